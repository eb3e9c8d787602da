
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.train.data.Augmentation;
import org.fijigan.core.train.data.DataOptions;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.TrainingBatch;
import org.fijigan.core.train.data.TrainingData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

	@TempDir
	Path dir;

	private void npy(String name, float value) throws IOException {
		Path f = dir.resolve(name);
		Files.createDirectories(f.getParent());
		float[] v = new float[16];
		java.util.Arrays.fill(v, value);
		Npy.write(f, NpyArray.ofFloats(v, 4, 4));
	}

	@Test
	void listsImagesRecursivelySortedWithSlashNamesSkippingHiddenAndOtherFiles()
		throws IOException
	{
		npy("b/x.npy", 1);
		npy("b/deep/y.npy", 2);
		npy("a.npy", 3);
		npy("Z.NPY", 4);
		npy(".hidden/h.npy", 5);
		npy("b/.h.npy", 6);
		Files.writeString(dir.resolve("notes.txt"), "not an image");
		RasterImage u8 = RasterImage.allocate(3, 2, 1, 1, 1, PixelType.UINT8);
		((byte[]) u8.plane(0))[5] = 7;
		ImageFileCodec.INSTANCE.write(u8, ".tif", dir.resolve("b/t.tif"));
		ImageFolder folder = ImageFolder.of(dir, "training");
		assertEquals(List.of("Z.NPY", "a.npy", "b/deep/y.npy", "b/t.tif",
			"b/x.npy"), folder.names());
		RasterImage y = folder.open("b/deep/y.npy");
		assertEquals("b/deep/y.npy", y.title());
		assertEquals(2f, ((float[]) y.plane(0))[15]);
		RasterImage t = folder.open("b/t.tif");
		assertEquals(PixelType.UINT8, t.type());
		assertEquals(7, ((byte[]) t.plane(0))[5]);
		assertThrows(GanException.class, () -> folder.open("notes.txt"));
	}

	@Test
	void aPrepareDataSetsRootIsRefusedNamingTheFolderToGive() throws IOException {
		// the layout prepare-data fluorescence writes: reading it whole would
		// train on test/ and on noisy/'s copies as clean images
		npy("train/train-000.npy", 1);
		npy("test/test-000.npy", 2);
		npy("noisy/train/train-000.npy", 3);
		npy("noisy/test/test-000.npy", 4);
		for (String role : List.of("data", "input", "target")) {
			GanException e = assertThrows(GanException.class, () -> ImageFolder.of(
				dir, role));
			assertEquals("the " + role + " folder " + dir + " holds a data set's " +
				"train/ beside its test/ and noisy/, as prepare-data writes them: " +
				"read whole, it would mix them (held-out images trained on, noisy " +
				"copies taken as clean images); give the one meant instead, e.g. " + dir
					.resolve("train") + " or " + dir.resolve("test"), e.getMessage());
		}
		GanException noisy = assertThrows(GanException.class, () -> ImageFolder.of(
			dir.resolve("noisy"), "input"));
		assertTrue(noisy.getMessage().endsWith(dir.resolve("noisy/train") + " or " +
			dir.resolve("noisy/test")), noisy.getMessage());
		// its folders are read as they are; so is a folder whose train/ has no
		// split beside it
		assertEquals(List.of("train-000.npy"), ImageFolder.of(dir.resolve("train"),
			"data").names());
		npy("own/train/a.npy", 5);
		npy("own/b.npy", 6);
		assertEquals(List.of("b.npy", "train/a.npy"), ImageFolder.of(dir.resolve(
			"own"), "data").names());
		// an empty test/ beside train/ mixes nothing: read, as before
		Files.createDirectories(dir.resolve("own/test"));
		assertEquals(List.of("b.npy", "train/a.npy"), ImageFolder.of(dir.resolve(
			"own"), "data").names());
	}

	@Test
	void aMissingOrEmptyFolderIsAClearError() throws IOException {
		GanException missing = assertThrows(GanException.class, () -> ImageFolder
			.of(dir.resolve("no"), "target"));
		assertEquals("target folder not found: " + dir.resolve("no"), missing
			.getMessage());
		Files.writeString(dir.resolve("readme.md"), "x");
		GanException empty = assertThrows(GanException.class, () -> ImageFolder.of(
			dir, "training"));
		assertTrue(empty.getMessage().startsWith("the training folder " + dir +
			" holds no images"));
	}

	@Test
	void pairedFoldersNameTheFilesWithoutAPartner() throws IOException {
		npy("in/a.npy", 0);
		npy("in/sub/b.npy", 0);
		npy("out/a.npy", 0);
		npy("out/sub/c.npy", 0);
		ModelDescriptor m = model(TaskKind.DENOISE, null);
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			m, new DataSource.Pairs(ImageFolder.of(dir.resolve("in"), "input"),
				ImageFolder.of(dir.resolve("out"), "target")), DataOptions.defaults(
					1)));
		assertEquals(
			"input and target images must pair up by relative path (extension ignored), but " +
				"1 input has no target in " + dir.resolve("out") +
				": sub/b.npy; and 1 target has no input " + "in " + dir.resolve("in") +
				": sub/c.npy", e.getMessage());
	}

	@Test
	void subFoldersAreClassesOfAGenerator() throws IOException {
		npy("real/cat/1.npy", 0);
		npy("real/cat/2.npy", 0);
		npy("real/dog/1.npy", 1);
		GeneratorSpec g = new GeneratorSpec("z", 4, new long[] { -1, 4 }, "y", 2,
			List.of());
		TrainingData data = TrainingData.create(model(TaskKind.GENERATE, g),
			new DataSource.Images(ImageFolder.of(dir.resolve("real"), "training")),
			new DataOptions(0, Augmentation.FLIPS, new Normalization.None(), 0, 3,
				null));
		assertEquals(List.of("cat", "dog"), data.classNames());
		TrainingBatch b = data.batch(0, 8);
		for (int i = 0; i < 8; i++)
			assertEquals(b.labels()[i], (long) b.target()[i * 16]);
	}

	private static ModelDescriptor model(TaskKind task, GeneratorSpec g) {
		var kind = g != null ? new org.fijigan.core.model.ModelKind.Generator(g)
			: new org.fijigan.core.model.ModelKind.ImageToImage(
				new org.fijigan.core.model.ImageInput("input", TensorLayout.BCYX, 1,
					org.fijigan.core.tiling.AxisConstraint.ANY,
					org.fijigan.core.tiling.AxisConstraint.ANY, Integer.MAX_VALUE));
		return ModelDescriptor.builder("m", task, kind, "out", TensorLayout.BCYX)
			.outputChannels(1).build();
	}
}
