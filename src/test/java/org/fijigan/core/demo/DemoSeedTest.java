
package org.fijigan.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.junit.jupiter.api.Test;

/** The demo's seed is checked before any of its rows runs. */
class DemoSeedTest {

	private static RasterImage grey(int side) {
		return RasterImage.allocate(side, side, 1, 1, 1, PixelType.UINT8);
	}

	/**
	 * Two classes of real slices: the generator draws seeds S and S + 1, so
	 * Long.MAX_VALUE is refused, naming the largest seed that fits, before any
	 * model is asked for (the demo ran all its rows, 11 s, and refused only at
	 * the generator).
	 */
	@Test
	void aSeedPastTheLargestIsRefusedBeforeAnyRow() {
		Map<String, RasterImage> slices = new LinkedHashMap<>();
		slices.put("axial", grey(8));
		slices.put("coronal", grey(8));
		DemoSamples samples = new DemoSamples(grey(16), "photo", grey(16), "cells",
			grey(16), slices);
		List<String> asked = new ArrayList<>();
		Demo.Models none = new Demo.Models() {

			@Override
			public ModelDescriptor find(String name) {
				asked.add(name);
				return null;
			}

			@Override
			public String where() {
				return "nowhere";
			}
		};
		GanException e = assertThrows(GanException.class, () -> Demo.run(samples,
			none, new DemoOptions(Long.MAX_VALUE, DeviceSpec.CPU, 1),
			ProgressListener.NONE, CancellationToken.none()));
		assertTrue(e.getMessage().contains("goes past the largest seed") && e
			.getMessage().contains("give a seed of at most " + (Long.MAX_VALUE - 1)),
			e.getMessage());
		assertEquals(List.of(), asked);
		// the largest seed that fits runs (here: no model, so the demo says so)
		e = assertThrows(GanException.class, () -> Demo.run(samples, none,
			new DemoOptions(Long.MAX_VALUE - 1, DeviceSpec.CPU, 1),
			ProgressListener.NONE, CancellationToken.none()));
		assertTrue(e.getMessage().startsWith("none of the demo's models"), e
			.getMessage());
	}
}
