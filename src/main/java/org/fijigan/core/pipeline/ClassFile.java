
package org.fijigan.core.pipeline;

import java.nio.file.Path;
import java.util.Arrays;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.io.InputFile;

/**
 * Reads a class file: an .npy array of one class label per image to generate.
 * The command line's {@code --classes} and Fiji's class field both read it
 * here, so a file one accepts the other accepts too.
 */
public final class ClassFile {

	private ClassFile() {}

	/**
	 * The labels of a class file of shape [N], or [N, 1] as PyTorch often saves
	 * labels (any shape with at most one axis longer than 1 is one label per
	 * image). Floating-point labels must be whole numbers: 2.7 is refused rather
	 * than cut to class 2.
	 */
	public static long[] read(Path file) {
		InputFile.requireRegular(file, "class file");
		return labels(Npy.read(file), file);
	}

	private static long[] labels(NpyArray a, Path file) {
		if (Arrays.stream(a.shape()).filter(x -> x != 1).count() > 1)
			throw new GanException(file + " has shape " + Arrays.toString(a.shape()) +
				"; a class file holds one integer label per image, shape [N] or [N, 1]");
		if (a.length() == 0) throw new GanException(file + " holds no labels");
		if (a.dtype() == NpyArray.DType.FLOAT32 || a
			.dtype() == NpyArray.DType.FLOAT64)
		{
			double[] v = a.toDoubleArray();
			for (int i = 0; i < v.length; i++)
				if (!(v[i] == Math.rint(v[i]) && Math.abs(v[i]) < 1L << 53))
					throw new GanException(file + " holds " + v[i] + " at " + i +
						": class labels are whole numbers (save them as integers)");
		}
		return a.toLongArray();
	}
}
