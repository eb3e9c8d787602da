
package org.fijigan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fijigan.core.GanException;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * OME-XML read as the layout of a TIFF's pages: the metadata as tifffile and
 * Bio-Formats write it, and metadata that must be refused.
 */
class OmeTiffTest {

	/** OME-XML of one image with the given Pixels attributes and content. */
	static String ome(String pixels, String content) {
		return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME xmlns=" +
			"\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image ID=" +
			"\"Image:0\"><Pixels ID=\"Pixels:0\" Type=\"uint8\" SizeX=\"4\" " +
			"SizeY=\"3\" " + pixels + ">" + content + "</Pixels></Image></OME>";
	}

	private static OmeTiff.Layout parse(String xml, int pages) {
		return OmeTiff.parse(xml, "a.ome.tif", pages, "input a.ome.tif");
	}

	@Test
	void planesAreMappedFromTheDimensionOrderToImageJsOrder() {
		// as tifffile writes axes CTZYX: Z fastest, then T, then C
		OmeTiff.Layout l = parse(ome("DimensionOrder=\"XYZTC\" SizeC=\"2\" " +
			"SizeZ=\"3\" SizeT=\"2\"", "<Channel SamplesPerPixel=\"1\"/><Channel " +
				"SamplesPerPixel=\"1\"/><TiffData IFD=\"0\" PlaneCount=\"12\"/>"), 12);
		assertEquals(2, l.channels());
		assertEquals(3, l.slices());
		assertEquals(2, l.frames());
		// ImageJ plane c + 2 (z + 3 t) is page z + 3 (t + 2 c)
		assertArrayEquals(new int[] { 0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11 }, l
			.pageOfPlane());
		assertNull(l.calibration());
		// ImageJ's own order maps page i to plane i
		OmeTiff.Layout same = parse(ome("DimensionOrder=\"XYCZT\" SizeC=\"2\" " +
			"SizeZ=\"3\" SizeT=\"1\"", "<TiffData/>"), 6);
		assertArrayEquals(new int[] { 0, 1, 2, 3, 4, 5 }, same.pageOfPlane());
	}

	@Test
	void tiffDataElementsPlacePlanesOnTheirPages() {
		// one element per plane, the slices stored last to first, after a page
		// that holds no plane (a preview)
		StringBuilder data = new StringBuilder();
		for (int z = 0; z < 3; z++)
			data.append("<TiffData IFD=\"").append(3 - z).append("\" FirstZ=\"")
				.append(z).append("\" PlaneCount=\"1\"/>");
		OmeTiff.Layout l = parse(ome("DimensionOrder=\"XYZCT\" SizeC=\"1\" " +
			"SizeZ=\"3\" SizeT=\"1\"", data.toString()), 4);
		assertArrayEquals(new int[] { 3, 2, 1 }, l.pageOfPlane());
		// without PlaneCount, an element with an IFD is one plane
		OmeTiff.Layout one = parse(ome("DimensionOrder=\"XYZCT\" SizeC=\"1\" " +
			"SizeZ=\"2\" SizeT=\"1\"", "<TiffData IFD=\"1\" FirstZ=\"0\"/>" +
				"<TiffData IFD=\"0\" FirstZ=\"1\"/>"), 2);
		assertArrayEquals(new int[] { 1, 0 }, one.pageOfPlane());
		// the UUID of this very file is no other file: by its name, or by the
		// file's own UUID whatever the name (renamed, unzipped)
		OmeTiff.Layout renamed = parse(ome("DimensionOrder=\"XYZCT\" SizeC=\"1\" " +
			"SizeZ=\"1\" SizeT=\"1\"", "<TiffData><UUID FileName=\"old.ome.tif\">" +
				"urn:uuid:7</UUID></TiffData>").replace("<OME ",
					"<OME UUID=\"urn:uuid:7\" "), 1);
		assertArrayEquals(new int[] { 0 }, renamed.pageOfPlane());
		OmeTiff.Layout own = parse(ome("DimensionOrder=\"XYZCT\" SizeC=\"1\" " +
			"SizeZ=\"1\" SizeT=\"1\"", "<TiffData><UUID FileName=\"a.ome.tif\">" +
				"urn:uuid:1</UUID></TiffData>"), 1);
		assertArrayEquals(new int[] { 0 }, own.pageOfPlane());
	}

	@Test
	void physicalSizesAndRgbChannelsAreRead() {
		OmeTiff.Layout l = parse(ome("DimensionOrder=\"XYCZT\" SizeC=\"3\" " +
			"SizeZ=\"2\" SizeT=\"1\" PhysicalSizeX=\"0.25\" PhysicalSizeY=\"0.5\" " +
			"PhysicalSizeZ=\"2\" PhysicalSizeXUnit=\"nm\" PhysicalSizeYUnit=\"nm\" " +
			"PhysicalSizeZUnit=\"nm\" TimeIncrement=\"250\" TimeIncrementUnit=" +
			"\"ms\"", "<Channel SamplesPerPixel=\"3\"/><TiffData/>"), 2);
		assertEquals(1, l.channels()); // one channel of RGB samples a page
		assertEquals(3, l.samplesPerPixel());
		assertEquals(new Calibration(0.25, 0.5, 2, "nm"), l.calibration());
		assertEquals(0.25, l.frameInterval());
		// no unit is µm; a z in other units than x and y is converted to x's
		assertEquals(new Calibration(0.1, 0.1, 3000, "µm"), parse(ome(
			"DimensionOrder=\"XYCZT\" SizeC=\"1\" SizeZ=\"1\" SizeT=\"1\" " +
				"PhysicalSizeX=\"0.1\" PhysicalSizeY=\"0.1\" PhysicalSizeZ=\"3\" " +
				"PhysicalSizeZUnit=\"mm\"", ""), 1).calibration());
	}

	/**
	 * A physical size given as 0 or negative is left out with a note, the valid
	 * ones kept: before, a bad PhysicalSizeX dropped y and z too, without a word.
	 */
	@Test
	void aPhysicalSizeThatIsNoSizeIsLeftOutAndTheOthersKept() {
		String image = "DimensionOrder=\"XYCZT\" SizeC=\"1\" SizeZ=\"1\" " +
			"SizeT=\"1\" ";
		OmeTiff.Layout badX = parse(ome(image + "PhysicalSizeX=\"-0.5\" " +
			"PhysicalSizeY=\"0.3\" PhysicalSizeZ=\"1.5\"", ""), 1);
		assertEquals(new Calibration(1, 1, 1.5, "pixel").withUnits("pixel", "µm"),
			badX.calibration());
		assertEquals(List.of("a.ome.tif: its OME-XML PhysicalSizeX of -0.5 is no " +
			"size: its pixel size in x and y is left out"), badX.notes());
		OmeTiff.Layout badZ = parse(ome(image + "PhysicalSizeX=\"0.2\" " +
			"PhysicalSizeY=\"0.3\" PhysicalSizeZ=\"0\"", ""), 1);
		assertEquals(new Calibration(0.2, 0.3, 1, "µm"), badZ.calibration());
		assertEquals(List.of("a.ome.tif: its OME-XML PhysicalSizeZ of 0 is no " +
			"size: its slice spacing is left out"), badZ.notes());
		assertEquals(List.of(), parse(ome(image + "PhysicalSizeX=\"0.2\"", ""), 1)
			.notes());
	}

	/**
	 * Each axis in its own unit is converted to x's: before, a z step in another
	 * unit became 1 (x's unit), x and y in different units lost the whole
	 * calibration, and a TimeIncrement in µs or ns was dropped.
	 */
	@Test
	void sizesInOtherUnitsAreConvertedToXsUnitAndTimeToSeconds() {
		String image = "DimensionOrder=\"XYCZT\" SizeC=\"1\" SizeZ=\"1\" " +
			"SizeT=\"1\" ";
		assertEquals(new Calibration(0.002, 0.002, 0.005, "mm"), parse(ome(image +
			"PhysicalSizeX=\"0.002\" PhysicalSizeXUnit=\"mm\" PhysicalSizeY=" +
			"\"0.002\" PhysicalSizeYUnit=\"mm\" PhysicalSizeZ=\"5\" " +
			"PhysicalSizeZUnit=\"µm\"", ""), 1).calibration());
		assertEquals(new Calibration(0.1, 0.1, 0.3, "µm"), parse(ome(image +
			"PhysicalSizeX=\"0.1\" PhysicalSizeXUnit=\"µm\" PhysicalSizeY=" +
			"\"100\" PhysicalSizeYUnit=\"nm\" PhysicalSizeZ=\"300\" " +
			"PhysicalSizeZUnit=\"nm\"", ""), 1).calibration());
		// a unit that is no length keeps its own name, as ImageJ's z unit
		assertEquals(new Calibration(0.1, 0.1, 2, "µm").withUnits(null, "pixel"),
			parse(ome(image + "PhysicalSizeX=\"0.1\" PhysicalSizeY=\"0.1\" " +
				"PhysicalSizeZ=\"2\" PhysicalSizeZUnit=\"pixel\"", ""), 1)
				.calibration());
		assertEquals(0.00025, parse(ome(image + "TimeIncrement=\"250\" " +
			"TimeIncrementUnit=\"µs\"", ""), 1).frameInterval(), 1e-18);
		assertEquals(0.00000004, parse(ome(image + "TimeIncrement=\"40\" " +
			"TimeIncrementUnit=\"ns\"", ""), 1).frameInterval(), 1e-20);
		assertEquals(7200, parse(ome(image + "TimeIncrement=\"2\" " +
			"TimeIncrementUnit=\"h\"", ""), 1).frameInterval());
	}

	@Test
	void metadataThatCannotBeFollowedIsRefusedWithItsReason() {
		String plain = "DimensionOrder=\"XYZCT\" SizeC=\"1\" SizeZ=\"2\" " +
			"SizeT=\"1\"";
		assertRefused(ome(plain, ""), 1, "it declares 2 planes (1 channel, 2 " +
			"slices, 1 frame) but the file has 1 page");
		assertRefused(ome(plain, "<TiffData IFD=\"1\" PlaneCount=\"2\"/>"), 2,
			"a TiffData element maps a plane to page 3 of a file of 2 pages");
		assertRefused(ome(plain, "<TiffData IFD=\"0\"/>"), 2,
			"no TiffData element maps plane 2 to a page");
		assertRefused(ome("DimensionOrder=\"XYQZT\" SizeC=\"1\" SizeZ=\"1\" " +
			"SizeT=\"1\"", ""), 1, "its DimensionOrder is \"XYQZT\"");
		assertRefused(ome("DimensionOrder=\"XYZCT\" SizeC=\"0\" SizeZ=\"1\" " +
			"SizeT=\"1\"", ""), 1, "its SizeC is 0");
		assertRefused(ome(plain, "<TiffData FirstZ=\"5\"/>"), 2,
			"a TiffData element starts at channel 0, slice 5, frame 0, outside " +
				"the image");
		assertRefused(ome(plain.replace("SizeZ=\"2\"", "SizeZ=\"two\""), ""), 2,
			"its SizeZ is \"two\", not a whole number");
		// an entity that would read a file of this machine: no DTD is read
		String entity = "<?xml version=\"1.0\"?><!DOCTYPE OME [<!ENTITY x SYSTEM " +
			"\"file:///etc/hostname\">]>" + ome(plain, "").substring(38).replace(
				"<Image ", "<Description>&x;</Description><Image ");
		assertRefused(entity, 2, "its OME-XML is not valid XML");
		assertRefused("<?xml version=\"1.0\"?><OME><Image", 1,
			"its OME-XML is not valid XML");
		// several images, and planes in other files, are named as such
		String two = ome(plain, "").replace("</Image>", "</Image><Image ID=" +
			"\"Image:1\"><Pixels/></Image>");
		GanException e = assertThrows(GanException.class, () -> parse(two, 4));
		assertEquals("input a.ome.tif is an OME-TIFF of 2 images (series); " +
			"fiji-gan reads one image a file: save each as its own TIFF", e
				.getMessage());
		e = assertThrows(GanException.class, () -> parse(ome(plain,
			"<TiffData><UUID FileName=\"b.ome.tif\">urn:uuid:2</UUID></TiffData>"),
			2));
		assertTrue(e.getMessage().startsWith("input a.ome.tif is one file of a " +
			"multi-file OME-TIFF dataset: its planes are also in b.ome.tif"), e
				.getMessage());
		// another file's UUID, whatever the name it gives
		String elsewhere = ome(plain, "<TiffData><UUID FileName=\"a.ome.tif\">" +
			"urn:uuid:8</UUID></TiffData>").replace("<OME ",
				"<OME UUID=\"urn:uuid:7\" ");
		assertThrows(GanException.class, () -> parse(elsewhere, 2));
	}

	private static void assertRefused(String xml, int pages, String why) {
		GanException e = assertThrows(GanException.class, () -> parse(xml, pages));
		assertEquals(1, e.getMessage().lines().count(), e.getMessage());
		assertTrue(e.getMessage().startsWith("input a.ome.tif has OME-TIFF " +
			"metadata that fiji-gan cannot follow: " + why), e.getMessage());
	}

	@Test
	void onlyOmeXmlIsTakenForOme() {
		assertTrue(OmeTiff.isOmeXml(ome("", "")));
		assertTrue(OmeTiff.isOmeXml("  <OME xmlns=\"x\"/>"));
		assertEquals(false, OmeTiff.isOmeXml("ImageJ=1.54p\nimages=3\n"));
		assertEquals(false, OmeTiff.isOmeXml("<?xml version=\"1.0\"?><svg/>"));
	}
}
