
package org.fijigan.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.model.GeneratorSpec;
import org.junit.jupiter.api.Test;

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
}
