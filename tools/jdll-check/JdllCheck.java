import java.util.*;
import io.bioimage.modelrunner.bioimageio.description.*;
import io.bioimage.modelrunner.bioimageio.tiling.*;

/**
 * Reads each rdf.yaml given with JDLL's own descriptor parser (ModelDescriptorFactory) and prints
 * what JDLL makes of it: the id, each input's smallest size, step and the halo JDLL works out, each
 * output's scale and halo, and for image models the output size and tiles JDLL's TileCalculator and
 * TileMaker give a 256x256 input. Compiled and run against JDLL's sources by tools/jdll-check.sh.
 */
public class JdllCheck {
	public static void main(String[] args) throws Exception {
		for (String rdf : args) {
			System.out.println("== " + rdf);
			ModelDescriptor d;
			try {
				d = ModelDescriptorFactory.readFromLocalFile(rdf);
			} catch (Throwable t) {
				System.out.println("FAILED: " + t);
				continue;
			}
			System.out.println("id " + d.getModelID() + ", nickname " + d.getNickname() + ", name " + d.getName()
				+ ", weights " + d.getWeights().getAllSuportedWeightNames());
			for (TensorSpec t : d.getInputTensors())
				System.out.println("  input " + t.getName() + " axes " + t.getAxesOrder() + " min " + Arrays.toString(t.getMinTileSizeArr())
					+ " step " + Arrays.toString(t.getTileStepArr()) + " halo " + Arrays.toString(t.getHaloArr())
					+ " pre " + t.getPreprocessing().size());
			for (TensorSpec t : d.getOutputTensors())
				System.out.println("  output " + t.getName() + " axes " + t.getAxesOrder() + " scale " + Arrays.toString(t.getTileScaleArr())
					+ " halo " + Arrays.toString(t.getHaloArr()));
			TensorSpec in = d.getInputTensors().get(0);
			if (!in.isImage()) continue;
			List<ImageInfo> infos = new ArrayList<>();
			for (TensorSpec t : d.getInputTensors()) {
				long[] dims = new long[t.getAxesOrder().length()];
				for (int i = 0; i < dims.length; i++) {
					char a = t.getAxesOrder().charAt(i);
					dims[i] = a == 'b' ? 1 : a == 'c' ? t.getMinTileSizeArr()[i] : 256;
				}
				infos.add(new ImageInfo(t.getName(), t.getAxesOrder(), dims));
			}
			try {
				List<TileInfo> tiles = TileCalculator.init(d).getOptimalTileSize(infos);
				TileMaker maker = TileMaker.build(d, tiles);
				for (TensorSpec t : d.getOutputTensors())
					System.out.println("  a 256x256 input: output image " + Arrays.toString(maker.getOutputImageSize(t.getName()))
						+ ", tiles " + maker.getNumberOfTiles() + ", input tile " + Arrays.toString(maker.getInputTileSize(in.getName()))
						+ ", output tile " + Arrays.toString(maker.getOutputTileSize(t.getName())));
			} catch (Throwable t) {
				System.out.println("  tiling FAILED: " + t);
			}
		}
	}
}
