
package org.fijigan.core.image;

import static org.fijigan.core.image.ImageFileCheck.count;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.io.FileChannels;

/**
 * The elements of a DICOM file's header, walked up to its pixel data: each
 * length it declares must fit in the bytes that follow. ImageJ's DICOM reader
 * allocates what a length says before it reads: a header whose element claimed
 * 2 GB ran a 96 MB heap out of memory, and a larger heap would have held the
 * array.
 * <p>
 * Each element is read as ImageJ's reader reads it: explicit when the two bytes
 * after its tag are a value representation, else implicit; little endian but in
 * a big-endian dataset; sequences and items (of defined length or not) stepped
 * into, as their contents are elements too. Only files of DICOM's file format
 * (the "DICM" prefix after 128 bytes) are walked; without it ImageJ's reader
 * decides.
 */
public final class DicomCheck {

	private DicomCheck() {}

	/** Value representations whose length takes 4 bytes, after 2 reserved. */
	private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL",
		"OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");
	private static final Set<String> SHORT_VRS = Set.of("AE", "AS", "AT", "CS",
		"DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "PN", "SH", "SL", "SS",
		"ST", "TM", "UI", "UL", "US");
	private static final String BIG_ENDIAN_SYNTAX = "1.2.840.10008.1.2.2";

	/** The transfer syntax whose dataset is deflated: not walked. */
	public static final String DEFLATED = "1.2.840.10008.1.2.1.99";

	/**
	 * @param what "ROLE FILE", for the message
	 * @return the transfer syntax its meta header names; null where it names
	 *         none, or the file lacks the "DICM" prefix
	 * @throws GanException naming the element whose length runs past the end
	 */
	public static String requireLengthsFit(Path file, String what) {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			return walk(ch, ch.size(), what);
		}
		catch (IOException e) {
			throw new GanException("cannot read " + what + ": " + e.getMessage(), e);
		}
	}

	static String walk(FileChannel ch, long size, String what)
		throws IOException
	{
		ByteBuffer head = ByteBuffer.allocate(132);
		FileChannels.readAt(ch, head, 0);
		if (head.position() < 132 || head.get(128) != 'D' || head.get(129) != 'I' ||
			head.get(130) != 'C' || head.get(131) != 'M') return null;
		long at = 132;
		boolean bigEndian = false;
		String syntax = null;
		ByteBuffer e = ByteBuffer.allocate(12);
		while (at + 8 <= size) {
			e.clear();
			FileChannels.readAt(ch, e, at);
			int group = e.order(ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xffff;
			// the meta group (0002) is little endian whatever the dataset's syntax
			ByteOrder order = bigEndian && group != 0x0002 ? ByteOrder.BIG_ENDIAN
				: ByteOrder.LITTLE_ENDIAN;
			e.order(order);
			group = e.getShort(0) & 0xffff;
			int element = e.getShort(2) & 0xffff;
			String vr = new String(new byte[] { e.get(4), e.get(5) },
				java.nio.charset.StandardCharsets.ISO_8859_1);
			long length;
			int header;
			if (group == 0xfffe) { // item and delimiters: always implicit
				length = e.getInt(4) & 0xffffffffL;
				header = 8;
				at += header; // its contents are elements
				continue;
			}
			if (LONG_VRS.contains(vr)) {
				length = e.position() >= 12 ? e.getInt(8) & 0xffffffffL : -1;
				header = 12;
			}
			else if (SHORT_VRS.contains(vr)) {
				length = e.getShort(6) & 0xffff;
				header = 8;
			}
			else {
				length = e.getInt(4) & 0xffffffffL;
				header = 8;
			}
			// the pixel data: checked apart, against the image's size
			if (group == 0x7fe0 && element == 0x0010) return syntax;
			if (header > size - at) throw new GanException(what +
				" is truncated or damaged: it ends inside the header of its DICOM " +
				"element (" + hex(group) + "," + hex(element) + ")");
			// an implicit element (or UN) whose value starts with an item is a
			// sequence too; an explicit value that happens to start so is not
			boolean implicit = !LONG_VRS.contains(vr) && !SHORT_VRS.contains(vr);
			if (length == 0xffffffffL || "SQ".equals(vr) || (implicit || "UN".equals(
				vr)) && startsItem(ch, at + header, size, order))
			{ // a sequence: step in
				at += header;
				continue;
			}
			long left = size - at - header;
			if (length < 0 || length > left) throw new GanException(what +
				" is truncated or damaged: its DICOM element (" + hex(group) + "," +
				hex(element) + ") declares " + count(Math.max(0, length)) +
				" bytes, but the file has " + count(Math.max(0, left)) + " after it");
			if (group == 0x0002 && element == 0x0010) { // transfer syntax
				ByteBuffer uid = ByteBuffer.allocate((int) Math.min(length, 64));
				FileChannels.readAt(ch, uid, at + header);
				syntax = new String(uid.array(), 0, uid.position(),
					java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "").trim();
				bigEndian = syntax.equals(BIG_ENDIAN_SYNTAX);
				if (syntax.equals(DEFLATED)) return syntax; // the rest is deflated
			}
			at += header + length;
		}
		return syntax;
	}

	/** Whether an item's tag (FFFE,E000) starts at {@code at}. */
	private static boolean startsItem(FileChannel ch, long at, long size,
		ByteOrder order) throws IOException
	{
		if (at + 4 > size) return false;
		ByteBuffer b = ByteBuffer.allocate(4).order(order);
		FileChannels.readAt(ch, b, at);
		return (b.getShort(0) & 0xffff) == 0xfffe && (b.getShort(2) &
			0xffff) == 0xe000;
	}

	private static String hex(int v) {
		return String.format(Locale.ROOT, "%04X", v);
	}
}
