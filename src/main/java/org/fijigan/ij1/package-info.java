/**
 * The ImageJ 1 I/O layer, built on {@code ij.jar}, that both front ends use:
 * the command line ({@code org.fijigan.cli}) and the Fiji commands
 * ({@code org.fijigan.imagej}) read, write, convert and draw images with the
 * same code. It holds the image file codec
 * ({@link org.fijigan.ij1.ImageFileCodec}: what ImageJ 1 opens, plus
 * {@code .npy} and NIfTI), the conversion between an {@code ImagePlus} and the
 * engine's {@link org.fijigan.core.image.RasterImage}
 * ({@link org.fijigan.ij1.ImagePlusConverter}), folders of images as training
 * data ({@link org.fijigan.ij1.ImageFolder}), the demo's samples and contact
 * sheet rendering ({@link org.fijigan.ij1.DemoResources}), and the one loss
 * plot of a fine-tuning run ({@link org.fijigan.ij1.LossPlot}).
 * <p>
 * It depends on the engine ({@code org.fijigan.core}) and on ImageJ 1, and
 * never on SciJava commands, picocli, {@code org.fijigan.cli} or
 * {@code org.fijigan.imagej}: everything here works headless, with no dialog,
 * menu or command line behind it.
 */

package org.fijigan.ij1;
