
package org.fijigan.core.image;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The layout an OME-TIFF's OME-XML gives its pages: how many channels, slices
 * and frames, which page holds each plane, and the physical pixel size. A
 * reader that knows only TIFF (ImageJ's, without Bio-Formats) reads every page
 * as a slice, so a two-channel time series came out as one long z-stack; this
 * puts the pages back where the metadata says.
 * <p>
 * One image per file is read: a file of several images (series), or one whose
 * planes lie in other files of a multi-file dataset, is refused, as is metadata
 * that does not map every plane to a page of the file. The XML is parsed
 * without DTDs or external entities.
 */
public final class OmeTiff {

	/** OME's units whose ImageJ spelling differs (others are kept as written). */
	private static final Map<String, String> UNITS = Map.of("um", "µm", "\u03bcm",
		"µm", "in", "inch");

	/**
	 * Where each plane is: {@code pageOfPlane[c + channels * (z + slices * t)]}
	 * is the 0-based page that holds channel {@code c} of slice {@code z} of
	 * frame {@code t}, ImageJ's order.
	 *
	 * @param samplesPerPixel samples of one channel on a page (3 for RGB); the
	 *          {@code channels} count channels of pages, each of that many
	 *          samples
	 * @param calibration the physical pixel size, or null when the metadata gives
	 *          none
	 * @param frameInterval seconds between frames, or 0 when not given
	 * @param pages the file's full pages, some of which may hold no plane
	 * @param notes what of the metadata was left out (a physical size that is no
	 *          size), one line each
	 */
	public record Layout(int channels, int slices, int frames, int[] pageOfPlane,
			int samplesPerPixel, Calibration calibration, double frameInterval,
			int pages, List<String> notes) {

		@Override
		public String toString() {
			return channels + " channels x " + slices + " slices x " + frames +
				" frames" + (pageOfPlane.length <= 16 ? ", pages " + Arrays.toString(
					pageOfPlane) : "");
		}
	}

	private OmeTiff() {}

	/** Whether a TIFF's first description is OME-XML. */
	public static boolean isOmeXml(String description) {
		String head = description.stripLeading();
		return (head.startsWith("<?xml") || head.startsWith("<OME")) && head
			.contains("<OME");
	}

	/**
	 * @param xml the first page's ImageDescription
	 * @param fileName the TIFF's own name, which a plane's UUID element may name
	 *          (when the OME element states no UUID of the file's own)
	 * @param pages the number of full pages in the file
	 * @param what "input FILE", for messages
	 * @throws GanException when the metadata is not valid XML, holds several
	 *           images, puts planes in other files, or does not map every plane
	 *           to one page of the file
	 */
	public static Layout parse(String xml, String fileName, int pages,
		String what)
	{
		Element pixels = pixels(xml, what);
		String ownUuid = pixels.getOwnerDocument().getDocumentElement()
			.getAttribute("UUID").trim();
		int sizeC = positive(pixels, "SizeC", what), sizeZ = positive(pixels,
			"SizeZ", what), sizeT = positive(pixels, "SizeT", what);
		String order = pixels.getAttribute("DimensionOrder");
		if (!order.matches("XY(CZT|CTZ|ZCT|ZTC|TCZ|TZC)")) throw bad(what,
			"its DimensionOrder is \"" + order + "\"");
		int samples = 1;
		NodeList channels = pixels.getElementsByTagNameNS("*", "Channel");
		for (int i = 0; i < channels.getLength(); i++) {
			String s = ((Element) channels.item(i)).getAttribute("SamplesPerPixel");
			if (!s.isEmpty()) samples = Math.max(samples, integer(s,
				"SamplesPerPixel", what));
		}
		if (sizeC % samples != 0) throw bad(what, "its SizeC " + sizeC +
			" is not a multiple of SamplesPerPixel " + samples);
		int c = sizeC / samples;
		long planes = (long) c * sizeZ * sizeT;
		if (planes > pages) throw bad(what, "it declares " + planes + " planes (" +
			count(c, "channel") + ", " + count(sizeZ, "slice") + ", " + count(sizeT,
				"frame") + ") but the file has " + count(pages, "page"));
		int[] page = new int[(int) planes];
		Arrays.fill(page, -1);
		NodeList data = pixels.getElementsByTagNameNS("*", "TiffData");
		if (data.getLength() == 0) for (int i = 0; i < page.length; i++)
			page[ijIndex(i, order, c, sizeZ, sizeT)] = i;
		for (int d = 0; d < data.getLength(); d++) {
			Element td = (Element) data.item(d);
			NodeList uuid = td.getElementsByTagNameNS("*", "UUID");
			if (uuid.getLength() > 0) {
				Element u = (Element) uuid.item(0);
				String other = u.getAttribute("FileName");
				// the file's own UUID names it under any file name (renamed, or
				// unzipped to a temporary file); without one, the name must match
				boolean own = !ownUuid.isEmpty() ? ownUuid.equals(u.getTextContent()
					.trim()) : other.isEmpty() || other.equals(fileName);
				if (!own) throw new GanException(what +
					" is one file of a multi-file OME-TIFF dataset: its planes " +
					"are also in " + (other.isEmpty() ? "the file of " + u
						.getTextContent().trim() : other) +
					"; fiji-gan reads one file: open the " +
					"dataset in Fiji (Bio-Formats) and save it as one TIFF");
			}
			int ifd = attribute(td, "IFD", 0, what);
			int first = orderIndex(attribute(td, "FirstC", 0, what), attribute(td,
				"FirstZ", 0, what), attribute(td, "FirstT", 0, what), order, c, sizeZ,
				sizeT, what);
			int count = attribute(td, "PlaneCount", td.hasAttribute("IFD") ? 1
				: page.length - first, what);
			for (int k = 0; k < count; k++) {
				if (first + k >= page.length) throw bad(what, "a TiffData element " +
					"maps more planes than the image has");
				if (ifd + k >= pages) throw bad(what, "a TiffData element maps a " +
					"plane to page " + (ifd + k + 1) + " of a file of " + pages +
					" pages");
				page[ijIndex(first + k, order, c, sizeZ, sizeT)] = ifd + k;
			}
		}
		for (int i = 0; i < page.length; i++)
			if (page[i] < 0) throw bad(what, "no TiffData element maps plane " + (i +
				1) + " to a page");
		List<String> notes = new java.util.ArrayList<>();
		return new Layout(c, sizeZ, sizeT, page, samples, calibration(pixels,
			fileName, notes), seconds(pixels), pages, List.copyOf(notes));
	}

	/** The one Image's Pixels element. */
	private static Element pixels(String xml, String what) {
		Document doc;
		try {
			DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
			f.setNamespaceAware(true);
			f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			f.setFeature("http://apache.org/xml/features/disallow-doctype-decl",
				true);
			f.setXIncludeAware(false);
			f.setExpandEntityReferences(false);
			DocumentBuilder b = f.newDocumentBuilder();
			b.setErrorHandler(new DefaultHandler()); // throws, prints nothing
			doc = b.parse(new InputSource(new StringReader(xml)));
		}
		catch (ParserConfigurationException | SAXException | IOException e) {
			throw bad(what, "its OME-XML is not valid XML (" + e.getMessage() + ")");
		}
		NodeList images = doc.getElementsByTagNameNS("*", "Image");
		if (images.getLength() != 1) throw new GanException(what +
			" is an OME-TIFF of " + images.getLength() + " images (series); " +
			"fiji-gan reads one image a file: save each as its own TIFF");
		NodeList pixels = ((Element) images.item(0)).getElementsByTagNameNS("*",
			"Pixels");
		if (pixels.getLength() != 1) throw bad(what, "its image has " + pixels
			.getLength() + " Pixels elements");
		return (Element) pixels.item(0);
	}

	/**
	 * The position in ImageJ's order (C fastest, then Z, then T) of plane
	 * {@code i} of the OME order.
	 */
	static int ijIndex(int i, String order, int c, int z, int t) {
		int[] at = new int[3]; // c, z, t
		int rest = i;
		for (int k = 2; k < 5; k++) {
			char dim = order.charAt(k);
			int size = dim == 'C' ? c : dim == 'Z' ? z : t;
			at["CZT".indexOf(dim)] = rest % size;
			rest /= size;
		}
		return at[0] + c * (at[1] + z * at[2]);
	}

	/** The position in the OME order of channel, slice and frame. */
	private static int orderIndex(int ci, int zi, int ti, String order, int c,
		int z, int t, String what)
	{
		if (ci >= c || zi >= z || ti >= t) throw bad(what, "a TiffData element " +
			"starts at channel " + ci + ", slice " + zi + ", frame " + ti +
			", outside the image");
		int index = 0, stride = 1;
		for (int k = 2; k < 5; k++) {
			char dim = order.charAt(k);
			index += stride * (dim == 'C' ? ci : dim == 'Z' ? zi : ti);
			stride *= dim == 'C' ? c : dim == 'Z' ? z : t;
		}
		return index;
	}

	/**
	 * The physical pixel size, in x's unit: a y or z size in another length unit
	 * is converted to it (300 nm beside 0.1 µm is 0.3 µm), one in a unit that
	 * cannot be converted keeps its own unit (ImageJ's y and z units).
	 */
	private static Calibration calibration(Element pixels, String fileName,
		List<String> notes)
	{
		double w = size(pixels, "PhysicalSizeX"), h = size(pixels, "PhysicalSizeY"),
				d = size(pixels, "PhysicalSizeZ");
		// a size given that is no size (0, negative, not a number) is left out
		// with a note; the others are kept
		boolean badX = noSize(pixels, "PhysicalSizeX", fileName, notes), badY =
			noSize(pixels, "PhysicalSizeY", fileName, notes), badZ = noSize(pixels,
				"PhysicalSizeZ", fileName, notes);
		String unit = unit(pixels, "PhysicalSizeXUnit"), yUnit = unit(pixels,
			"PhysicalSizeYUnit"), zUnit = unit(pixels, "PhysicalSizeZUnit");
		if (badZ || !(d > 0)) {
			d = 1;
			zUnit = null;
		}
		if (badX || badY || !(w > 0)) {
			// x and y go together: without both the image is in pixels
			if (zUnit == null) return null;
			return new Calibration(1, 1, d, "pixel").withUnits("pixel", zUnit);
		}
		if (zUnit == null) zUnit = unit;
		if (!(h > 0)) {
			h = w;
			yUnit = unit;
		}
		double y = Units.length(h, yUnit, unit), z = Units.length(d, zUnit, unit);
		if (y > 0 && Double.isFinite(y)) {
			h = y;
			yUnit = unit;
		}
		if (z > 0 && Double.isFinite(z)) {
			d = z;
			zUnit = unit;
		}
		return new Calibration(w, h, d, unit).withUnits(yUnit, zUnit);
	}

	/**
	 * Whether attribute {@code name} is given but is no size (0, negative, not a
	 * number or infinite), noted when it is.
	 */
	private static boolean noSize(Element pixels, String name, String fileName,
		List<String> notes)
	{
		String given = pixels.getAttribute(name).trim();
		double v = size(pixels, name);
		if (given.isEmpty() || v > 0 && Double.isFinite(v)) return false;
		notes.add(fileName + ": its OME-XML " + name + " of " + given +
			" is no size: " + (name.endsWith("Z") ? "its slice spacing is"
				: "its pixel size in x and y is") + " left out");
		return true;
	}

	/** An OME length unit as ImageJ spells it (µm when not given). */
	private static String unit(Element pixels, String name) {
		String u = pixels.getAttribute(name).trim();
		return u.isEmpty() ? "µm" : UNITS.getOrDefault(u, u);
	}

	/**
	 * Seconds between frames ({@code TimeIncrement} in its unit, seconds when not
	 * given), or 0 when not given or in a unit that is not a time.
	 */
	private static double seconds(Element pixels) {
		double dt = size(pixels, "TimeIncrement");
		if (!(dt > 0)) return 0;
		String unit = pixels.getAttribute("TimeIncrementUnit").trim();
		double s = Units.time(dt, unit.isEmpty() ? "s" : unit, "s");
		return s > 0 && Double.isFinite(s) ? s : 0;
	}

	private static double size(Element e, String name) {
		return Numbers.parseOr(e.getAttribute(name), 0);
	}

	private static int positive(Element e, String name, String what) {
		int v = integer(e.getAttribute(name), name, what);
		if (v < 1) throw bad(what, "its " + name + " is " + v);
		return v;
	}

	private static int attribute(Element e, String name, int otherwise,
		String what)
	{
		if (!e.hasAttribute(name)) return otherwise;
		int v = integer(e.getAttribute(name), name, what);
		if (v < 0) throw bad(what, "its " + name + " is " + v);
		return v;
	}

	private static int integer(String s, String name, String what) {
		try {
			return Integer.parseInt(s.trim());
		}
		catch (NumberFormatException e) {
			throw bad(what, "its " + name + " is \"" + s + "\", not a whole number");
		}
	}

	private static String count(long n, String noun) {
		return n + " " + noun + (n == 1 ? "" : "s");
	}

	private static GanException bad(String what, String why) {
		return new GanException(what + " has OME-TIFF metadata that fiji-gan " +
			"cannot follow: " + why);
	}
}
