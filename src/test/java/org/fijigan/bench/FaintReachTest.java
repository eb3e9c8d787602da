
package org.fijigan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The normal tail the ideal-observer bound of bench/faint-reach.sh rests on.
 */
class FaintReachTest {

	@Test
	void theNormalTailHasItsTabulatedValues() {
		assertEquals(0.5, FaintReach.q(0), 1e-9);
		assertEquals(0.0249979, FaintReach.q(1.96), 1e-6);
		assertEquals(0.9986501, FaintReach.q(-3), 1e-6);
		assertEquals(1.0 / 1024, FaintReach.q(FaintReach.inverseQ(1.0 / 1024)),
			1e-9);
		assertEquals(3.0972, FaintReach.inverseQ(1.0 / 1024), 1e-3);
	}
}
