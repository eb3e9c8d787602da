import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ShortProcessor;

import org.fijigan.testing.OnnxModels;

/**
 * Writes the input of bench/batch-folder.sh: COUNT 64x64 16-bit TIFFs in ten sub-folders (seeded
 * noise), and conv.onnx, a small denoiser: three 3x3 convolutions, 1 -> 16 -> 16 -> 1 channels,
 * ReLU between, seeded weights. Run with target/test-classes on the class path (OnnxModels).
 * Usage: java -cp ... bench/MakeBatchData.java DIR COUNT
 */
public class MakeBatchData {
	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[0]);
		int count = Integer.parseInt(args[1]);
		Random random = new Random(8);
		for (int i = 0; i < count; i++) {
			short[] pixels = new short[64 * 64];
			for (int j = 0; j < pixels.length; j++)
				pixels[j] = (short) (20000 + 4000 * Math.sin(j / 200.0) + random.nextGaussian() * 800);
			Path file = dir.resolve("in").resolve(String.format("field%02d", i % 10)).resolve(String
				.format("img%05d.tif", i));
			Files.createDirectories(file.getParent());
			new FileSaver(new ImagePlus("img", new ShortProcessor(64, 64, pixels, null))).saveAsTiff(file
				.toString());
		}
		Random w = new Random(3);
		OnnxModels.Builder b = OnnxModels.builder().input("x", "N,1,H,W");
		int[] channels = { 1, 16, 16, 1 };
		String in = "x";
		for (int l = 0; l < 3; l++) {
			int cin = channels[l], cout = channels[l + 1];
			b.initializer("w" + l, OnnxModels.randomFloats(w, cout * cin * 9, (float) (1 / Math.sqrt(9.0 *
				cin))), cout, cin, 3, 3);
			b.initializer("b" + l, OnnxModels.randomFloats(w, cout, 0.05f), cout);
			String out = l == 2 ? "y" : "c" + l;
			b.node("Conv", in + ",w" + l + ",b" + l, out, OnnxModels.attrInts("kernel_shape", 3, 3),
				OnnxModels.attrInts("pads", 1, 1, 1, 1));
			if (l < 2) b.node("Relu", out, in = "r" + l);
		}
		b.output("y", "N,1,H,W").metadata("fiji-gan.task", "denoise").write(dir, "conv.onnx");
		System.out.println("wrote " + count + " images and conv.onnx to " + dir);
	}
}
