
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a checkpoint records of its run, and what a resume checks. */
class RunSettingsTest {

	@TempDir
	Path dir;

	@Test
	void settingsThatDifferAreNamedWithBothValues() {
		String was = new RunSettings().put("seed", 1L).put("loss", "l1").putDigest(
			"items", List.of("a.tif", "b.tif")).text();
		String now = new RunSettings().put("seed", 9L).put("loss", "l1").putDigest(
			"items", List.of("a.tif", "b.tif")).text();
		assertTrue(RunSettings.refuseOther(dir, was, was));
		GanException e = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, was, now));
		assertEquals("the checkpoint in " + dir +
			" was written by a run with other settings: seed 1 (now 9). Resume " +
			"with the same settings, or give another --checkpoint-dir to start afresh",
			e.getMessage());
		assertTrue(was.contains("items=2 (sha256 "), was);
		// a record's field that is also a setting of its own is named once
		GanException seed = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, new RunSettings().put("seed", 1L).put("data options",
				"DataOptions(patchSize=64,seed=1)").text(), new RunSettings().put(
					"seed", 2L).put("data options", "DataOptions(patchSize=32,seed=2)")
					.text()));
		assertTrue(seed.getMessage().contains("other settings: data options " +
			"patchSize 64 (now 32); seed 1 (now 2). Resume"), seed.getMessage());
		// a generator's run made when flips were its default resumes with the
		// flag that gives them, which the message names
		GanException flips = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, new RunSettings().put("data options",
				"DataOptions(patchSize=16,augmentation=FLIPS)").text(),
				new RunSettings().put("data options",
					"DataOptions(patchSize=16,augmentation=NONE)").text()));
		assertTrue(flips.getMessage().contains("other settings: data options " +
			"augmentation FLIPS (now NONE) (--augment flips gives it). Resume"), flips
				.getMessage());
		// nothing recorded (an earlier version) or nothing to check: not checked
		assertFalse(RunSettings.refuseOther(dir, "", now));
		assertFalse(RunSettings.refuseOther(dir, was, null));
	}

	@Test
	void blindSpotsDifferAsTheirOptionsAndTheDataDescriptionIsNotRepeated() {
		String n2v =
			"DataOptions(patchSize=24,degradation=BlindSpot(fraction=0.016," +
				"neighbourhood=5,line=null))";
		String struct = "DataOptions(patchSize=24,degradation=BlindSpot(fraction=" +
			"0.016,neighbourhood=3,line=Line(horizontal=false,length=3)))";
		String none = "DataOptions(patchSize=24,degradation=null)";
		GanException e = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, new RunSettings().put("data", "1 image: n2v").put(
				"data options", n2v).text(), new RunSettings().put("data",
					"1 image: n2v, line").put("data options", struct).text()));
		assertEquals("the checkpoint in " + dir + " was written by a run with " +
			"other settings: --n2v-neighbourhood 5 (now 3); --n2v-struct none (now " +
			"vertical:3). Resume with the same settings, or give another " +
			"--checkpoint-dir to start afresh", e.getMessage());
		assertEquals("--self-supervised n2v (now none)", RunSettings.difference(
			"data options", n2v, none));
		assertEquals("--self-supervised none (now n2v)", RunSettings.difference(
			"data options", none, n2v));
	}

	/**
	 * A generator records no pixel loss: the unused one a checkpoint of an
	 * earlier version records is not compared, so that run resumes.
	 */
	@Test
	void aGeneratorsRunComparesNoPixelLoss() {
		FineTuneConfig c = new FineTuneConfig(1, OptimizerConfig.adam(1e-4), null,
			1, AdversarialKind.NONSATURATING, 1, null, 1, null, 1, false, List.of(),
			0, 0);
		String now = new RunSettings().putAll(c).text();
		String earlier = new RunSettings().putAll(c.withLoss(LossKind.CHARBONNIER))
			.text();
		assertFalse(now.contains("\nloss="), now);
		assertTrue(RunSettings.refuseOther(dir, earlier, now));
		assertTrue(RunSettings.refuseOther(dir, now, now));
		// an image model's loss is compared as before
		GanException e = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, earlier, new RunSettings().putAll(c.withLoss(
				LossKind.L2)).text()));
		assertTrue(e.getMessage().contains("other settings: loss CHARBONNIER " +
			"(now L2)."), e.getMessage());
	}

	@Test
	void anotherOptimizerIsNamedAsTheOptionThatChoseIt() {
		String adam = new RunSettings().put("optimizer", OptimizerConfig.adam(1e-4))
			.text(), adamw = new RunSettings().put("optimizer", OptimizerConfig.parse(
				"adamw", 1e-4)).text(), sgd = new RunSettings().put("optimizer",
					OptimizerConfig.parse("sgd", 1e-3)).text();
		GanException e = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, adam, adamw));
		assertEquals("the checkpoint in " + dir + " was written by a run with " +
			"other settings: --optimizer adam (now adamw). Resume with the same " +
			"settings, or give another --checkpoint-dir to start afresh", e
				.getMessage());
		// SGD has no betas; the learning rate is named as before
		e = assertThrows(GanException.class, () -> RunSettings.refuseOther(dir,
			adamw, sgd));
		assertTrue(e.getMessage().contains("other settings: --optimizer adamw " +
			"(now sgd); optimizer learningRate 1.0E-4 (now 0.001). Resume"), e
				.getMessage());
	}

	@Test
	void aRecordSettingNamesOnlyItsFieldsThatDiffer() {
		assertEquals("optimizer learningRate 1.0E-4 (now 0.1)", RunSettings
			.difference("optimizer",
				"OptimizerConfig(kind=ADAM,learningRate=1.0E-4," +
					"beta1=0.5,schedule=CONSTANT)", "OptimizerConfig(kind=ADAM," +
						"learningRate=0.1,beta1=0.5,schedule=CONSTANT)"));
		assertEquals("data normalization lowPercent 1.0 (now 2.0); data " +
			"degradation the task's default (now gaussian)", RunSettings.difference(
				"data",
				"DataOptions(patchSize=64,normalization=Percentile(lowPercent=1.0," +
					"highPercent=99.8),degradation=null)", "DataOptions(patchSize=64," +
						"normalization=Percentile(lowPercent=2.0,highPercent=99.8)," +
						"degradation=gaussian)"));
		// values of other forms, or of two types, are given whole
		assertEquals("seed 1 (now 9)", RunSettings.difference("seed", "1", "9"));
		assertEquals("loss A(x=1) (now B(x=1))", RunSettings.difference("loss",
			"A(x=1)", "B(x=1)"));
	}

	@Test
	void aDegradationDiffersAsTheOptionThatGivesIt() {
		GanException e = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, new RunSettings().put("data options",
				"DataOptions(seed=1,degradation=GaussianNoise(sigma=Range(min=0.02," +
					"max=0.2)))").text(), new RunSettings().put("data options",
						"DataOptions(seed=1,degradation=PoissonGaussianNoise(photons=" +
							"Range(min=30.0,max=30.0),readSigma=Range(min=0.0,max=0.0)))")
						.text()));
		assertEquals("the checkpoint in " + dir + " was written by a run with " +
			"other settings: --degradation gaussian:0.02..0.2 (now poisson-gaussian:" +
			"photons=30,read=0). Resume with the same settings, or give another " +
			"--checkpoint-dir to start afresh", e.getMessage());
		assertEquals("--degradation the task's default (now holes:0.1..0.3)",
			RunSettings.difference("data options", "DataOptions(degradation=null)",
				"DataOptions(degradation=FreeFormHoles(minCoverage=0.1,maxCoverage=" +
					"0.3,variedSizes=false))"));
	}

	@Test
	void aValueEarlierVersionsRecordedOtherwiseReadsAsThisVersionWritesIt() {
		String now = new RunSettings().put("data options",
			"DataOptions(seed=1,degradation=null)").recordedAlso("data options",
				"degradation=G(s=1)", "degradation=null").text();
		assertTrue(RunSettings.refuseOther(dir,
			"data options=DataOptions(seed=1,degradation=G(s=1))\n", now));
		assertTrue(RunSettings.refuseOther(dir, now, now));
		GanException other = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, "data options=DataOptions(seed=1,degradation=G(s=2))\n",
				now));
		assertEquals("the checkpoint in " + dir + " was written by a run with " +
			"other settings: data options degradation G(s=2) (now the task's " +
			"default). Resume with the same settings, or give another " +
			"--checkpoint-dir to start afresh", other.getMessage());
	}

	@Test
	void aCheckpointOfTheEarlierPlaneSplitSaysWhyItCannotResume() {
		GanException e = assertThrows(GanException.class, () -> RunSettings
			.refuseOther(dir, "data=2 images: 5 for training, 1 for validation " +
				"(planes)\n", "data=2 images: 1 for training, 1 for validation (3 " +
					"and 3 planes)\n"));
		assertEquals("the checkpoint in " + dir + " was written by an earlier " +
			"version of fiji-gan, which held out single planes of an image for " +
			"validation where this one holds out whole images, so its run cannot " +
			"go on here (data 2 images: 5 for training, 1 for validation (planes) " +
			"(now 2 images: 1 for training, 1 for validation (3 and 3 planes))): " +
			"give another --checkpoint-dir to start afresh", e.getMessage());
	}

	@Test
	void aCheckpointOfTheEarlierFormatIsReadWithoutSettings() throws IOException {
		try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir
			.resolve(Checkpoint.FILE))))
		{
			out.writeInt(0x46474b31); // "FGK1"
			out.writeLong(7);
			out.writeDouble(0.25);
			out.writeUTF("abc");
			out.writeInt(1);
			out.writeUTF("w");
			out.writeInt(2);
			out.writeFloat(1.5f);
			out.writeFloat(-2);
			out.writeInt(0);
		}
		Checkpoint old = Checkpoint.read(dir);
		assertEquals(7, old.step());
		assertEquals("", old.settings());
		assertEquals(List.of(1.5f, -2f), List.of(old.tensors().get("w")[0], old
			.tensors().get("w")[1]));

		new Checkpoint(8, 0.5, "abc", "seed=3\n", old.tensors(), List.of()).write(
			dir);
		assertEquals("seed=3\n", Checkpoint.read(dir).settings());
	}

	@Test
	void aCheckpointWhoseBytesChangedIsCalledDamaged() throws IOException {
		float[] w = new float[1000];
		for (int i = 0; i < w.length; i++)
			w[i] = i * 0.5f;
		new Checkpoint(3, 0.1, "abc", "seed=1\n", Map.of("w", w), List.of(
			new float[] { 1, 2 })).write(dir);
		Path file = dir.resolve(Checkpoint.FILE);
		byte[] bytes = Files.readAllBytes(file);
		assertEquals(0.5f * 999, Checkpoint.read(dir).tensors().get("w")[999]);
		// one weight's lowest bit, in the middle of the tensor data
		bytes[bytes.length / 2] ^= 1;
		Files.write(file, bytes);
		assertEquals("checkpoint " + file + " is damaged (its checksum does not " +
			"match its contents): start afresh, or resume from a copy", assertThrows(
				GanException.class, () -> Checkpoint.read(dir)).getMessage());
		bytes[bytes.length / 2] ^= 1;
		Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length + 1));
		assertThrows(GanException.class, () -> Checkpoint.read(dir),
			"a byte appended");
	}

	/**
	 * Counts and values a checksum does not guard (an old checkpoint has none; a
	 * new one can be written with any step or rate) are checked: a negative or
	 * huge length, a negative step, a rate that is NaN, negative or 0 as a float
	 * each call the checkpoint damaged, by name.
	 */
	@Test
	void aCheckpointWithImpossibleCountsOrValuesIsCalledDamaged()
		throws IOException
	{
		Path file = dir.resolve(Checkpoint.FILE);
		for (int length : new int[] { -5, Integer.MAX_VALUE }) {
			try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(
				file)))
			{
				out.writeInt(0x46474b32); // "FGK2": no checksum
				out.writeLong(7);
				out.writeDouble(0.25);
				out.writeUTF("abc");
				out.writeUTF("");
				out.writeInt(1);
				out.writeUTF("w");
				out.writeInt(length);
			}
			assertEquals("checkpoint " + file + " is damaged (it gives " + length +
				" values of tensor w in " + Files.size(file) + " bytes): start " +
				"afresh, or resume from a copy", assertThrows(GanException.class,
					() -> Checkpoint.read(dir)).getMessage());
		}
		Map<String, float[]> w = Map.of("w", new float[] { 1 });
		new Checkpoint(-7, 0.1, "abc", "", w, List.of()).write(dir);
		assertEquals("checkpoint " + file + " is damaged (its step is -7): start " +
			"afresh, or resume from a copy", assertThrows(GanException.class,
				() -> Checkpoint.read(dir)).getMessage());
		for (double lr : new double[] { Double.NaN, -1, 1e-50 }) {
			new Checkpoint(3, lr, "abc", "", w, List.of()).write(dir);
			assertEquals("checkpoint " + file + " is damaged (its learning rate is " +
				lr + ", not a positive float): start afresh, or resume from a copy",
				assertThrows(GanException.class, () -> Checkpoint.read(dir))
					.getMessage());
		}
	}
}
