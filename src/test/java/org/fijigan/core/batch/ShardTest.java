
package org.fijigan.core.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;

class ShardTest {

	@Test
	void positionsModuloTheCountCoverTheListExactlyOnce() {
		List<List<Integer>> parts = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			Shard shard = new Shard(s, 4);
			List<Integer> mine = new ArrayList<>();
			for (int i = 0; i < 10; i++)
				if (shard.takes(i)) mine.add(i);
			parts.add(mine);
		}
		assertEquals(List.of(List.of(0, 4, 8), List.of(1, 5, 9), List.of(2, 6), List
			.of(3, 7)), parts);
	}

	@Test
	void blockRangesAreContiguousDisjointAndCoverEveryBlock() {
		for (int count = 1; count <= 7; count++)
			for (long blocks = 0; blocks <= 20; blocks++) {
				long next = 0;
				for (int s = 0; s < count; s++) {
					long[] r = new Shard(s, count).blockRange(blocks);
					assertEquals(next, r[0], count + " shards of " + blocks);
					assertTrue(r[1] - r[0] >= blocks / count && r[1] - r[0] <= blocks /
						count + 1);
					next = r[1];
				}
				assertEquals(blocks, next);
			}
		assertArrayEquals(new long[] { 0, 2 }, new Shard(0, 3).blockRange(5));
		assertArrayEquals(new long[] { 2, 4 }, new Shard(1, 3).blockRange(5));
		assertArrayEquals(new long[] { 4, 5 }, new Shard(2, 3).blockRange(5));
	}

	@Test
	void parsesIOverNAndNamesItsManifestPart() {
		assertEquals(new Shard(3, 8), Shard.parse(" 3/8 "));
		assertEquals("manifest.part-3-of-8.csv", Shard.parse("3/8").manifestName());
		assertEquals("manifest.csv", Shard.parse("0/1").manifestName());
		assertEquals("3/8", new Shard(3, 8).toString());
		assertEquals("shard 4/4 does not exist: shards of 4 are numbered 0 to 3",
			assertThrows(GanException.class, () -> Shard.parse("4/4")).getMessage());
		assertThrows(GanException.class, () -> Shard.parse("1"));
		assertThrows(GanException.class, () -> Shard.parse("a/b"));
		// a sign or another script's digits is not a task number a job array gives
		for (String odd : new String[] { "+3/8", "3/+8", "\u0663/8", "-0/8" })
			assertEquals("shard '" + odd + "' must be I/N with 0 <= I < N, e.g. 0/4",
				assertThrows(GanException.class, () -> Shard.parse(odd)).getMessage());
		assertThrows(GanException.class, () -> Shard.parse("0/0"));
	}

	@Test
	void aCountBeyondAMillionIsRefusedUpFront() {
		assertEquals(999_999, Shard.parse("999999/1000000").index());
		assertEquals(
			"a shard count of 2147483647 is more than the 1000000 shards " +
				"a batch may have (each shard writes a manifest part, and a merge needs " +
				"them all)", assertThrows(GanException.class, () -> Shard.parse(
					"0/2147483647")).getMessage());
	}
}
