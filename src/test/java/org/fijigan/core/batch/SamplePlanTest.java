
package org.fijigan.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.GanException;
import org.fijigan.core.model.GeneratorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplePlanTest {

	static final GeneratorSpec G = new GeneratorSpec("z", 4, new long[] { -1, 4 },
		"c", 3, List.of("axial", "coronal", "sagittal"));

	/**
	 * A range's counts by folder are the samples of that range, one by one, for
	 * every kind of plan; over the whole plan they are the whole run's.
	 */
	@Test
	void aRangesCountsAreItsOwnSamplesForEveryKindOfPlan() {
		long[] labels = new long[50];
		Random random = new Random(3);
		for (int i = 0; i < labels.length; i++)
			labels[i] = random.nextInt(3);
		for (SamplePlan plan : List.of(SamplePlan.unconditional(50), SamplePlan
			.oneClass(50, 2, G), SamplePlan.cycling(50, G), SamplePlan.perClass(17,
				G), SamplePlan.labels(labels, G)))
		{
			assertEquals(plan.countsByFolder(), plan.countsByFolder(0, plan.count()));
			for (long from = 0; from <= plan.count(); from += 7)
				for (long to = from; to <= plan.count(); to += 5) {
					Map<String, Long> expected = new java.util.TreeMap<>();
					for (long i = from; i < to; i++)
						expected.merge(plan.isConditional() ? plan.folder(i) : "", 1L,
							Long::sum);
					if (!plan.isConditional() && from == to) expected.put("", 0L);
					assertEquals(expected, plan.countsByFolder(from, to), from + ".." +
						to);
				}
		}
		SamplePlan perClass = SamplePlan.perClass(10, G);
		assertEquals("14 images: coronal 4, sagittal 10", perClass.describe(16,
			30));
		assertEquals(perClass.describe(), perClass.describe(0, 30));
		assertEquals("0 images", perClass.describe(30, 30));
	}

	/**
	 * A class the model does not have is refused, saying which it has; of a model
	 * whose class count is not known a negative class was refused as "the model
	 * has classes 0..-1", and a folder named for no class as matching none of
	 * "(0..-1)". Such a model takes any class from 0.
	 */
	@Test
	void aClassOutOfRangeIsRefusedSayingWhichClassesThereAre(@TempDir Path dir)
		throws IOException
	{
		GeneratorSpec hidden = new GeneratorSpec("z", 4, new long[] { -1, 4 }, "c",
			0, List.of());
		GanException e = assertThrows(GanException.class, () -> SamplePlan.oneClass(
			2, -1, hidden));
		assertEquals("class -1 is out of range: class numbers start at 0 " +
			"(the model does not say how many classes it has)", e.getMessage());
		e = assertThrows(GanException.class, () -> SamplePlan.labels(new long[] { 1,
			-2 }, hidden));
		assertEquals("class -2 is out of range: class numbers start at 0 " +
			"(the model does not say how many classes it has)", e.getMessage());
		assertEquals(Map.of("7", 2L), SamplePlan.oneClass(2, 7, hidden)
			.countsByFolder());
		e = assertThrows(GanException.class, () -> SamplePlan.oneClass(2, 3, G));
		assertEquals("class 3 is out of range: the model has classes 0..2 " +
			"[axial, coronal, sagittal]", e.getMessage());
		// empty class folders: no image is read
		Files.createDirectories(dir.resolve("0"));
		Files.createDirectories(dir.resolve("cells"));
		e = assertThrows(GanException.class, () -> SamplePlan.balanceAgainst(dir,
			hidden, null));
		assertEquals("the folders [cells] in " + dir + " match none of the " +
			"model's classes (label numbers from 0); name class folders after them " +
			"or by label number", e.getMessage());
	}
}
