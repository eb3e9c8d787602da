
package org.fijigan.core.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

class ImageSourceTest {

	@Test
	void openImagesAreNamedByTitleWithRepeatsNumbered() {
		RasterImage a = TestModels.constant("blobs", 2, 2, 0), b = TestModels
			.constant("blobs", 2, 2, 1), c = TestModels.constant("cells", 2, 2, 2);
		ImageSource s = ImageSource.of(List.of(a, b, c));
		assertEquals(List.of("blobs", "blobs (2)", "cells"), s.names());
		assertSame(b, s.open("blobs (2)"));
		assertEquals("3 open images", s.describe());
		assertThrows(GanException.class, () -> s.open("nope"));
	}

	@Test
	void pairsMatchByRelativePathIgnoringTheExtension() {
		ImageSource in = ImageSource.of(List.of(TestModels.constant("sub/a.png", 2,
			2, 0), TestModels.constant("b.v2.tif", 2, 2, 0)));
		ImageSource out = ImageSource.of(List.of(TestModels.constant("b.v2.npy", 2,
			2, 0), TestModels.constant("sub/a.tif", 2, 2, 0)));
		assertEquals(List.of(new PairedImages.Pair("b.v2.tif", "b.v2.npy"),
			new PairedImages.Pair("sub/a.png", "sub/a.tif")), PairedImages.match(in,
				out));
		assertEquals("dir.x/name", PairedImages.stripExtension("dir.x/name"));
		ImageSource twice = ImageSource.of(List.of(TestModels.constant("a.png", 2,
			2, 0), TestModels.constant("a.tif", 2, 2, 0)));
		GanException e = assertThrows(GanException.class, () -> PairedImages.match(
			twice, out));
		assertTrue(e.getMessage().contains(
			"'a.png' and 'a.tif' differ only in their extension"));
	}

	@Test
	void manyUnmatchedNamesAreListedShortly() {
		List<RasterImage> ins = new java.util.ArrayList<>();
		for (int i = 0; i < 12; i++)
			ins.add(TestModels.constant("in" + (char) ('a' + i), 2, 2, 0));
		GanException e = assertThrows(GanException.class, () -> PairedImages.match(
			ImageSource.of(ins), ImageSource.of(List.of(TestModels.constant("ina", 2,
				2, 0)))));
		assertEquals(
			"input and target images must pair up by relative path (extension ignored), but " +
				"11 inputs have no target in 1 open image: inb, inc, ind, ine, inf, ing, inh, ini, inj, ink " +
				"and 1 more", e.getMessage());
	}
}
