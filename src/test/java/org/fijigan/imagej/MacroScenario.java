
package org.fijigan.imagej;

import java.nio.file.Path;
import java.util.Arrays;

import org.fijigan.testing.OnnxModels;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;

/**
 * Runs the fiji-gan menu commands the way macros do, headless; throws
 * AssertionError on a mismatch.
 */
final class MacroScenario {

	private MacroScenario() {}

	static void run(Path dir) {
		check(java.awt.GraphicsEnvironment.isHeadless(),
			"the scenario runs headless");
		// the patcher makes GenericDialog work headless (in macro mode), so the
		// bridge takes the
		// dialog path it takes in the GUI, not its own reading of the options
		check(ij.gui.GenericDialog.class.getSuperclass().getName().equals(
			"net.imagej.patcher.HeadlessGenericDialog"), "GenericDialog is patched");
		PluginsConfig.registerWithImageJ();
		Path model = OnnxModels.addConstant(1, 0.25f).write(dir,
			"add quarter.onnx");

		// IJ.run from Java or a script
		ImagePlus src = IJ.createImage("cells", "32-bit ramp", 8, 6, 1);
		float[] before = ((float[]) src.getProcessor().getPixels()).clone();
		IJ.run(src, "Denoise...", "model=[" + model +
			"] tile=auto normalize=none float");
		ImagePlus out = WindowManager.getCurrentImage();
		check(out != null && out != src,
			"IJ.run leaves the result as the current image, got " + out);
		float[] after = (float[]) out.getProcessor().getPixels();
		for (int i = 0; i < before.length; i++)
			check(after[i] == before[i] + 0.25f, "pixel " + i + ": " + after[i] +
				" != " + before[i] + " + 0.25");
		check(Arrays.equals(before, (float[]) src.getProcessor().getPixels()),
			"the source is unchanged");
		check("add quarter".equals(out.getProp("fiji-gan.model")), "provenance: " +
			out.getProp("fiji-gan.model"));

		// the macro language, in batch mode as headless macros run
		String result = IJ.runMacro("setBatchMode(true);\n" + //
			"newImage('ramp', '32-bit ramp', 8, 4, 1);\n" + //
			"run('Denoise...', 'model=[" + model +
			"] tile=16 halo=0 normalize=none threads=1 float');\n" + //
			"return getTitle() + ' ' + d2s(getPixel(2, 1), 4) + ' ' + bitDepth();");
		check("ramp-denoised 0.5000 32".equals(result), "macro result '" + result +
			"'");

		// a wrong value is one clear line and no new image
		int images = WindowManager.getImageCount();
		IJ.run(src, "Denoise...", "model=[" + model + "] tile=huge");
		IJ.run(src, "Denoise...", ""); // headless, no options: the defaults, which
																		// name no model
		check(WindowManager.getImageCount() == images, "no image after an error");

		// an error stops the macro that met it, headless too: its next line (a
		// saveAs on a cluster node) would write the untouched input as the result
		String stopped = IJ.runMacro("setBatchMode(true);\n" + //
			"newImage('x', '32-bit ramp', 8, 4, 1);\n" + //
			"run('Denoise...', 'model=[" + model + "] tile=0 threads=1');\n" + //
			"return 'went on';");
		check(!"went on".equals(stopped), "the macro went on after an error");
		// a word where a number belongs, a fraction for a whole number and a
		// misspelt key stop the macro with one line: the patched dialog threw
		// NumberFormatException as it added the field (a stack trace, the macro
		// went on), and ignored the key (normalise=none ran with the default)
		for (String bad : new String[] { "threads=4x", "normalise=none" }) {
			String went = IJ.runMacro("setBatchMode(true);\n" + //
				"newImage('x', '32-bit ramp', 8, 4, 1);\n" + //
				"run('Denoise...', 'model=[" + model + "] " + bad + "');\n" + //
				"return 'went on';");
			check(!"went on".equals(went), bad + ": the macro went on");
		}
		for (String bad : new String[] { "count=abc", "count=2.6" }) {
			String went = IJ.runMacro("setBatchMode(true);\n" + //
				"run('Generate Synthetic Images...', 'model=mri-generator threads=1 " +
				bad + "');\n" + //
				"return 'went on';");
			check(!"went on".equals(went), bad + ": the macro went on");
		}
		// a choice is the macro's own word, in any capitals, or refused; the
		// patched dialog alone would put its first choice in its place
		String none = IJ.runMacro("setBatchMode(true);\n" + //
			"newImage('ramp', '32-bit ramp', 8, 4, 1);\n" + //
			"run('Denoise...', 'model=[" + model +
			"] normalize=None device=CPU threads=1 float');\n" + //
			"return d2s(getPixel(2, 1), 4);");
		check("0.5000".equals(none), "normalize=None from a macro: '" + none + "'");
		// a key=value inside another key's bracketed value is part of that value,
		// also given as a macro variable: the patched dialog, as ImageJ's, read
		// tile=huge from the model's folder
		Path odd = dir.resolve("runs tile=huge x");
		check(odd.toFile().mkdirs(), "made " + odd);
		Path oddModel = OnnxModels.addConstant(1, 0.25f).write(odd, "m.onnx");
		for (String given : new String[] { "[" + oddModel + "]", "&p" }) {
			String read = IJ.runMacro("setBatchMode(true);\n" + //
				"p = '" + oddModel + "';\n" + //
				"newImage('ramp', '32-bit ramp', 8, 4, 1);\n" + //
				"run('Denoise...', 'model=" + given +
				" normalize=none threads=1 float');\n" + //
				"return d2s(getPixel(2, 1), 4);");
			check("0.5000".equals(read), "model=" + given + " in a folder named " +
				"with tile=huge: '" + read + "'");
		}
		// a numeric macro variable names a choice as ImageJ's dialogs take it
		// (4, not 4.0, which is no choice of scale)
		Path x4 = dir.resolve("x4.onnx");
		String made = IJ.runMacro("setBatchMode(true);\n" + //
			"s = 4;\n" + //
			"run('Create Model...', 'architecture=rrdb-sr output=[" + x4 +
			"] scale=&s channels=1 width=4 blocks=1 seed=1');\n" + //
			"return 'made';");
		check("made".equals(made) && org.fijigan.core.model.ModelLoader.load(x4
			.toString(), org.fijigan.core.model.ModelOverrides.NONE).scale() == 4,
			"scale=&s with s = 4: " + made);
		for (String device : new String[] { "gpu", "cuda:strict" }) {
			String strict = IJ.runMacro("setBatchMode(true);\n" + //
				"newImage('ramp', '32-bit ramp', 8, 4, 1);\n" + //
				"run('Denoise...', 'model=[" + model + "] device=" + device +
				" threads=1');\n" + //
				"return 'ran';");
			check(!"ran".equals(strict), "device=" + device +
				" ran (on the CPU) from a macro");
		}

		// a folder, as a cluster node's macro runs it
		java.nio.file.Path in = dir.resolve("batch in"), results = dir.resolve(
			"batch out");
		check(in.toFile().mkdirs(), "made " + in);
		IJ.save(IJ.createImage("one", "32-bit ramp", 8, 4, 1), in.resolve("one.tif")
			.toString());
		IJ.save(IJ.createImage("two", "32-bit ramp", 8, 4, 1), in.resolve("two.tif")
			.toString());
		String done = IJ.runMacro("run('Batch Process Folder...', 'model=[" +
			model + "] input=[" + in + "] output=[" + results +
			"] normalize=none threads=1 float shard=1/2');\n" + //
			"return File.exists('" + results.resolve("two.tif") +
			"') + ' ' + File.exists('" + results.resolve("one.tif") + "');");
		check("1 0".equals(done), "shard 1/2 wrote two.tif only: '" + done + "'");

		// what the model changed (the original chosen among the open images), and
		// the models folder
		String residual = IJ.runMacro("setBatchMode(true);\n" + //
			"newImage('noisy', '32-bit ramp', 8, 4, 1);\n" + //
			"run('Denoise...', 'model=[" + model +
			"] normalize=none threads=1 float');\n" + //
			"run('Show What The GAN Changed...', 'original=noisy show=auto mask=selection');\n" + //
			"return getTitle() + ' ' + d2s(getPixel(2, 1), 4);");
		check("Residual of noisy -0.2500".equals(residual), "residual '" +
			residual + "'");
		Path models = dir.resolve("my models");
		String installed = IJ.runMacro(
			"run('Manage Models...', 'action=install model=[" + model +
				"] name=aq checksum=[] folder=[" + models + "]');\n" + //
				"return File.exists('" + models.resolve("aq/model.onnx") + "');");
		check("1".equals(installed), "Manage Models installed aq: '" + installed +
			"'");

		IJ.run("Model Info...", "model=[" + model + "]");

		// the bundled models by name, as the README's macros use them (this JVM's
		// models folder is
		// the checkout's models/)
		String sr = IJ.runMacro("setBatchMode(true);\n" + //
			"newImage('small', '8-bit ramp', 16, 12, 1);\n" + //
			"run('Super-Resolution...', 'model=sr-x2 threads=1');\n" + //
			"return '' + getWidth() + 'x' + getHeight();");
		check("32x24".equals(sr), "sr-x2 from a macro: '" + sr + "'");
		String filled = IJ.runMacro("setBatchMode(true);\n" + //
			"newImage('holed', '8-bit ramp', 32, 32, 1);\n" + //
			"makeRectangle(10, 10, 8, 8);\n" + //
			"run('Inpaint...', 'model=inpaint mask=selection keep threads=1');\n" + //
			"return getTitle() + ' ' + getPixel(14, 14) + ' ' + getPixel(2, 2);");
		String[] f = filled.split(" ");
		// ramp value at x = 14 is 112; a smooth fill stays close to it, a known
		// pixel is kept exactly
		check(f.length == 3 && !f[0].equals("holed") && Math.abs(Double.parseDouble(
			f[1]) - 112) < 12 && Double.parseDouble(f[2]) == 16,
			"inpaint from a macro: '" + filled + "'");
		String generated = IJ.runMacro("setBatchMode(true);\n" + //
			"run('Generate Synthetic Images...', 'model=mri-generator count=3 seed=1 class=coronal-2 threads=1');\n" + //
			"setSlice(2);\n" + //
			"return '' + getWidth() + ' ' + nSlices + ' ' + getInfo('slice.label');");
		check(generated.startsWith("64 3 ") && generated.contains("SYNTHETIC") &&
			generated.contains("seed=2") && generated.contains("class=coronal-2"),
			"generated from a macro: '" + generated + "'");
		String ran = IJ.runMacro("setBatchMode(true);\n" + //
			"newImage('any', '32-bit ramp', 8, 4, 1);\n" + //
			"run('Run ONNX Model...', 'model=[" + model +
			"] task=image-to-image normalize=none threads=1 float');\n" + //
			"return d2s(getPixel(2, 1), 4);");
		check("0.5000".equals(ran), "Run ONNX Model from a macro: '" + ran + "'");
		String demo = IJ.runMacro("setBatchMode(true);\n" + //
			"run('Demo...', 'seed=1 threads=1');\n" + //
			"return getTitle() + ' ' + getWidth();");
		check("fiji-gan demo (seed 1) 1008".equals(demo), "Demo from a macro: '" +
			demo + "'");
		Path evalData = dir.resolve("eval data");
		check(evalData.toFile().mkdirs(), "made " + evalData);
		for (String name : new String[] { "a.tif", "b.tif" })
			IJ.save(IJ.createImage(name, "8-bit ramp", 32, 32, 1), evalData.resolve(
				name).toString());
		IJ.runMacro("run('Evaluate Model...', 'model=denoise data=[" + evalData +
			"] task=auto images=2 count=0 seed=1 normalize=auto device=auto threads=1');"); // logs
																																											// its
																																											// table
		System.out.println("values checked: " + before.length + " pixels, macro: " +
			result);
	}

	private static void check(boolean ok, String what) {
		if (!ok) throw new AssertionError(what);
	}
}
