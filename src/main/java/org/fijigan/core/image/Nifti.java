
package org.fijigan.core.image;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;

/**
 * NIfTI-1 single files ({@code .nii}, gzipped {@code .nii.gz}), as
 * medical-imaging pipelines read them. Written: little-endian, the 348-byte
 * header, an optional comment extension (code 6), then the voxels at
 * {@code vox_offset}. Voxel {@code (i, j, k, t, u)} is pixel {@code (x, y)} of
 * slice {@code k}, frame {@code t}, channel {@code u}: row 0 of the image
 * first, x fastest. The qform and sform of an image read from NIfTI are written
 * back ({@link NiftiOrientation}, moved with super-resolution), else none is
 * claimed ({@code qform_code = sform_code = 0}); {@code pixdim} carries the
 * pixel size and {@code xyzt_units} its unit (mm, micron or m, each axis
 * converted to it; unknown for a unit that is no length); {@code pixdim[4]} the
 * frame interval, converted to s, ms or µs, where the image has one in a unit
 * of time ({@link #unwritten} says what is left out, ImageJ's origin among it).
 * 8-bit, 16-bit and 32-bit images keep their type ({@code DT_UINT8},
 * {@code DT_UINT16}, {@code DT_FLOAT32}), RGB is {@code DT_RGB24}. Written gzip
 * streams carry no time stamp, so the same image gives the same bytes.
 */
public final class Nifti {

	public static final int HEADER_BYTES = 348;
	public static final short DT_UINT8 = 2, DT_INT16 = 4, DT_INT32 = 8,
			DT_FLOAT32 = 16, DT_FLOAT64 = 64, DT_RGB24 = 128, DT_INT8 = 256,
			DT_UINT16 = 512, DT_UINT32 = 768, DT_INT64 = 1024, DT_UINT64 = 1280;
	/** The datatypes of complex voxels, which fiji-gan does not read. */
	private static final java.util.Set<Short> COMPLEX = java.util.Set.of(
		(short) 32, (short) 1792, (short) 2048);
	/** The size of a NIfTI-2 header. */
	public static final int HEADER2_BYTES = 540;
	public static final int UNITS_METER = 1, UNITS_MM = 2, UNITS_MICRON = 3;
	/** Extension code of free text. */
	public static final int ECODE_COMMENT = 6;
	private static final int DESCRIP_BYTES = 80;

	/**
	 * The header fields fiji-gan writes and reads.
	 *
	 * @param dim {@code dim[0]} dimensions used, then their sizes (8 values)
	 * @param pixdim {@code pixdim[0]} the qform sign, then voxel sizes (8 values)
	 * @param xyztUnits spatial unit code (low 3 bits) plus time unit code
	 * @param magic {@code n+1} for a single file
	 * @param orientation the qform and sform, or null when neither is given
	 */
	public record Header(short[] dim, short datatype, short bitpix,
			float[] pixdim, float voxOffset, float sclSlope, float sclInter,
			int xyztUnits, String description, String magic, short qformCode,
			short sformCode, NiftiOrientation orientation) {
	}

	/**
	 * A read file: its header, its voxels as an image, its comment extension (or
	 * null), and notes on what of its header was left out (a voxel size that is
	 * no size).
	 */
	public record Volume(Header header, RasterImage image, String comment,
			java.util.List<String> notes) {
	}

	private Nifti() {}

	/**
	 * Writes {@code image} to a new file.
	 *
	 * @param gzip gzip the file ({@code .nii.gz})
	 * @param description the header's {@code descrip}, cut to 79 ASCII characters
	 * @param comment longer free text for a comment extension, or null for none
	 */
	public static void write(Path file, boolean gzip, RasterImage image,
		String description, String comment)
	{
		try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(
			file), 1 << 16);
				OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw)
		{
			write(out, image, description, comment);
		}
		catch (IOException e) {
			throw new GanException("cannot write " + file + ": " + e.getMessage(), e);
		}
	}

	/** Writes header, extension and voxels to {@code out}; does not close it. */
	public static void write(OutputStream out, RasterImage image,
		String description, String comment) throws IOException
	{
		byte[] extension = extension(comment);
		ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES + 4).order(
			ByteOrder.LITTLE_ENDIAN);
		h.putInt(0, HEADER_BYTES);
		h.put(38, (byte) 'r'); // regular
		short[] dim = dims(image);
		for (int i = 0; i < 8; i++)
			h.putShort(40 + 2 * i, dim[i]);
		short datatype = switch (image.type()) {
			case UINT8 -> DT_UINT8;
			case UINT16 -> DT_UINT16;
			case FLOAT32 -> DT_FLOAT32;
			case RGB -> DT_RGB24;
		};
		short bitpix = (short) switch (image.type()) {
			case UINT8 -> 8;
			case UINT16 -> 16;
			case FLOAT32 -> 32;
			case RGB -> 24;
		};
		h.putShort(70, datatype);
		h.putShort(72, bitpix);
		Calibration c = image.calibration();
		NiftiOrientation o = c.orientation();
		int spaceCode = unitCode(c.unit()), timeCode = c.frameInterval() > 0
			? timeCode(c.timeUnit()) : 0;
		String space = spaceCode == 0 ? null : unitName(spaceCode);
		float[] pixdim = { o == null ? 1 : o.qfac(), (float) written(c.pixelWidth(),
			c.unit(), space), (float) written(c.pixelHeight(), c.yUnit(), space),
			(float) written(c.pixelDepth(), c.zUnit(), space), timeCode == 0 ? 1
				: (float) Units.time(c.frameInterval(), c.timeUnit(), timeName(
					timeCode)), 1, 1, 1 };
		for (int i = 0; i < 8; i++)
			h.putFloat(76 + 4 * i, pixdim[i]);
		if (o != null) { // where the input lay in the world
			h.putShort(252, o.qformCode()).putShort(254, o.sformCode());
			for (int k = 0; k < 3; k++) {
				h.putFloat(256 + 4 * k, o.quatern()[k]);
				h.putFloat(268 + 4 * k, o.qoffset()[k]);
			}
			for (int k = 0; k < 12; k++)
				h.putFloat(280 + 4 * k, o.srow()[k / 4][k % 4]);
		}
		h.putFloat(108, HEADER_BYTES + 4 + extension.length); // vox_offset
		h.putFloat(112, 1); // scl_slope: values as stored
		h.putFloat(116, 0); // scl_inter
		h.put(123, (byte) (spaceCode | timeCode));
		byte[] descrip = ascii(description, DESCRIP_BYTES - 1);
		h.position(148);
		h.put(descrip);
		h.position(344);
		h.put(new byte[] { 'n', '+', '1', 0 });
		h.put(348, (byte) (extension.length > 0 ? 1 : 0)); // extension flag
		out.write(h.array());
		out.write(extension);
		writeVoxels(out, image);
	}

	private static short[] dims(RasterImage image) {
		int c = image.channels(), z = image.slices(), t = image.frames();
		int n = c > 1 ? 5 : t > 1 ? 4 : z > 1 ? 3 : 2;
		return new short[] { (short) n, size(image.width()), size(image.height()),
			size(z), size(t), size(c), 1, 1 };
	}

	private static short size(int n) {
		if (n > Short.MAX_VALUE) throw new GanException(
			"NIfTI-1 holds at most 32767 voxels along an " + "axis; this image has " +
				n);
		return (short) n;
	}

	private static byte[] extension(String comment) {
		if (comment == null || comment.isEmpty()) return new byte[0];
		byte[] text = comment.getBytes(StandardCharsets.UTF_8);
		int size = (8 + text.length + 1 + 15) / 16 * 16; // a multiple of 16,
																											// NUL-terminated
		ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
		b.putInt(size).putInt(ECODE_COMMENT).put(text);
		return b.array();
	}

	private static void writeVoxels(OutputStream out, RasterImage image)
		throws IOException
	{
		int w = image.width(), h = image.height();
		int bytesPerVoxel = switch (image.type()) {
			case UINT8 -> 1;
			case UINT16 -> 2;
			case FLOAT32 -> 4;
			case RGB -> 3;
		};
		ByteBuffer buf = ByteBuffer.allocate(w * h * bytesPerVoxel).order(
			ByteOrder.LITTLE_ENDIAN);
		for (int c = 0; c < image.channels(); c++)
			for (int t = 0; t < image.frames(); t++)
				for (int z = 0; z < image.slices(); z++) {
					Object p = image.plane(c, z, t);
					buf.clear();
					switch (image.type()) {
						case UINT8 -> buf.put((byte[]) p);
						case UINT16 -> buf.asShortBuffer().put((short[]) p);
						case FLOAT32 -> buf.asFloatBuffer().put((float[]) p);
						case RGB -> {
							for (int v : (int[]) p)
								buf.put((byte) (v >> 16)).put((byte) (v >> 8)).put((byte) v);
						}
					}
					out.write(buf.array(), 0, w * h * bytesPerVoxel);
				}
	}

	/**
	 * A pixel size in {@code unit} as written in {@code space}, the file's unit:
	 * converted where both are lengths, else as it is (null: the file has no
	 * unit).
	 */
	private static double written(double size, String unit, String space) {
		if (space == null) return size;
		double v = Units.length(size, unit, space);
		return v > 0 && Double.isFinite(v) ? v : size;
	}

	/**
	 * The code of the NIfTI unit a length in {@code unit} is written in: mm,
	 * micron or m as they are, another length converted to the NIfTI unit at or
	 * below it (cm to mm, nm and Å to micron, km to m); 0 (unknown) for pixels
	 * and units that are not lengths.
	 */
	static int unitCode(String unit) {
		double m = Units.metres(unit);
		if (Double.isNaN(m)) return 0;
		return m >= 1 ? UNITS_METER : m >= 1e-3 ? UNITS_MM : UNITS_MICRON;
	}

	/** NIfTI's time units, in {@code xyzt_units} above the spatial unit. */
	static final int UNITS_SEC = 8, UNITS_MSEC = 16, UNITS_USEC = 24;

	/**
	 * The code of the NIfTI unit a time in {@code unit} is written in: s, ms or
	 * µs as they are, another converted to the NIfTI unit at or below it (min to
	 * s, ns to µs); 0 for a unit that is not a time.
	 */
	static int timeCode(String unit) {
		double s = Units.seconds(unit);
		if (Double.isNaN(s)) return 0;
		return s >= 1 ? UNITS_SEC : s >= 1e-3 ? UNITS_MSEC : UNITS_USEC;
	}

	/**
	 * What a NIfTI file cannot hold of {@code image}'s calibration, one line
	 * each, for notes: a length unit NIfTI cannot be given (the sizes are then
	 * written as they are, without a unit), a y or z unit that cannot be
	 * converted to x's, a slice spacing in a length beside x and y in pixels
	 * (NIfTI has one unit for all three), a frame interval in a unit that is not
	 * a time, an origin (ImageJ's, in pixels) other than pixel 0, which NIfTI has
	 * no field for.
	 */
	public static java.util.List<String> unwritten(RasterImage image) {
		Calibration c = image.calibration();
		java.util.List<String> notes = new java.util.ArrayList<>();
		int space = unitCode(c.unit());
		if (space == 0 && !Units.isPixel(c.unit())) notes.add(
			"NIfTI has no unit like \"" + c.unit() +
				"\": the pixel size is written without a unit");
		else if (space != 0) {
			String to = unitName(space);
			if (Double.isNaN(Units.length(1, c.yUnit(), to))) notes.add(
				"the pixel height is in \"" + c.yUnit() + "\", which cannot be " +
					"converted to " + to + ": NIfTI writes it as if it were " + to);
			if (image.slices() > 1 && Double.isNaN(Units.length(1, c.zUnit(), to)))
				notes.add("the slice spacing is in \"" + c.zUnit() + "\", which " +
					"cannot be converted to " + to + ": NIfTI writes it as if it were " +
					to);
		}
		else if (image.slices() > 1 && unitCode(c.zUnit()) != 0) notes.add(
			"NIfTI has one unit for x, y and z, and x and y have none: the slice " +
				"spacing (" + Numbers.rounded(c.pixelDepth(), 6) + " " + c.zUnit() +
				") is written without a unit");
		if (c.frameInterval() > 0 && image.frames() > 1 && timeCode(c
			.timeUnit()) == 0) notes.add("NIfTI has no time unit like \"" + c
				.timeUnit() + "\": the frame interval is not written");
		if (c.originPlace() != null) notes.add(
			"NIfTI holds no origin like ImageJ's: the origin (" + c.originPlace() +
				") is not written" + (c.orientation() == null
					? "; the result claims no place in the world"
					: "; the input's qform and sform are"));
		return notes;
	}

	private static String timeName(int code) {
		return switch (code & 0x38) {
			case UNITS_SEC -> "sec";
			case UNITS_MSEC -> "msec";
			case UNITS_USEC -> "\u00b5s";
			default -> null;
		};
	}

	private static String unitName(int code) {
		return switch (code & 7) {
			case UNITS_MM -> "mm";
			case UNITS_MICRON -> "micron";
			case UNITS_METER -> "m";
			default -> "pixel";
		};
	}

	private static byte[] ascii(String text, int max) {
		byte[] b = (text == null ? "" : text).replaceAll("[^\\x20-\\x7e]", "?")
			.getBytes(StandardCharsets.US_ASCII);
		return b.length <= max ? b : java.util.Arrays.copyOf(b, max);
	}

	/**
	 * Reads a {@code .nii} or {@code .nii.gz} file (gzip is recognised by its
	 * bytes), either byte order. 8-bit, 16-bit unsigned, float and RGB voxels
	 * keep their type; other integer types, doubles and scaled values
	 * ({@code scl_slope}) become 32-bit float.
	 */
	public static Volume read(Path file) {
		boolean gz = false;
		try (InputStream raw = new BufferedInputStream(Files.newInputStream(file),
			1 << 16))
		{
			raw.mark(2);
			gz = raw.read() == 0x1f && raw.read() == 0x8b;
			raw.reset();
			try (InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw) {
				return read(in, file.getFileName().toString(), gz ? -1 : Files.size(
					file));
			}
		}
		catch (java.io.EOFException e) {
			throw new GanException("NIfTI file " + file + " is truncated: its " + (gz
				? "gzip stream" : "data") +
				" ends before the voxels its header declares", e);
		}
		catch (IOException e) {
			throw new GanException("cannot read NIfTI file " + file + ": " + e
				.getMessage(), e);
		}
	}

	/**
	 * The header of a {@code .nii} or {@code .nii.gz} file (NIfTI-1 or -2, either
	 * byte order), its voxels left unread.
	 */
	public static Header readHeader(Path file) {
		try (InputStream raw = new BufferedInputStream(Files.newInputStream(
			file)))
		{
			raw.mark(2);
			boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
			raw.reset();
			try (InputStream in = gz ? new GZIPInputStream(raw) : raw) {
				return header(in, file.getFileName().toString()).header();
			}
		}
		catch (IOException e) {
			throw new GanException("cannot read NIfTI file " + file + ": " + e
				.getMessage(), e);
		}
	}

	/** A header read, with its size and byte order, for what follows it. */
	private record ReadHeader(Header header, int bytes, ByteOrder order) {
	}

	/** Reads the header at the start of {@code in}. */
	private static ReadHeader header(InputStream in, String name)
		throws IOException
	{
		byte[] first = in.readNBytes(4);
		if (first.length < 4) throw new GanException(name +
			" is too short for a NIfTI header");
		ByteBuffer sizeOf = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
		int headerBytes = sizeOf.getInt(0);
		if (headerBytes != HEADER_BYTES && headerBytes != HEADER2_BYTES) {
			sizeOf.order(ByteOrder.BIG_ENDIAN);
			headerBytes = sizeOf.getInt(0);
			if (headerBytes != HEADER_BYTES && headerBytes != HEADER2_BYTES)
				throw new GanException(name + " is not a NIfTI-1 or NIfTI-2 file");
		}
		byte[] head = new byte[headerBytes];
		System.arraycopy(first, 0, head, 0, 4);
		if (in.readNBytes(head, 4, headerBytes - 4) < headerBytes - 4)
			throw new GanException(name + " is too short for a NIfTI header");
		ByteBuffer h = ByteBuffer.wrap(head).order(sizeOf.order());
		return new ReadHeader(headerBytes == HEADER_BYTES ? header1(head, h, name)
			: header2(head, h, name), headerBytes, h.order());
	}

	/**
	 * @param fileBytes the file's length when it is not compressed, so that the
	 *          voxels the header declares are checked against it before any is
	 *          read; -1 when unknown
	 */
	private static Volume read(InputStream in, String name, long fileBytes)
		throws IOException
	{
		ReadHeader read = header(in, name);
		Header header = read.header();
		int headerBytes = read.bytes();
		checkVoxOffset(header, headerBytes, name, fileBytes);
		short[] dim = header.dim();
		float[] pixdim = header.pixdim();

		long offset = (long) header.voxOffset();
		long pos = headerBytes;
		String comment = null;
		if (offset >= headerBytes + 4) {
			byte[] flag = in.readNBytes(4);
			pos += 4;
			while (flag.length == 4 && flag[0] != 0 && pos + 8 <= offset) {
				ByteBuffer e = ByteBuffer.wrap(in.readNBytes(8)).order(read.order());
				int size = e.getInt(0), code = e.getInt(4);
				if (size < 16 || pos + size > offset) break;
				byte[] data = in.readNBytes(size - 8);
				pos += size;
				if (code == ECODE_COMMENT && comment == null) {
					int len = 0;
					while (len < data.length && data[len] != 0)
						len++;
					comment = new String(data, 0, len, StandardCharsets.UTF_8);
				}
			}
			in.skipNBytes(offset - pos);
		}
		if (dim[0] < 1 || dim[0] > 7) throw new GanException(name +
			" is a damaged NIfTI file: its header uses " + dim[0] +
			" dimensions (dim[0] must be 1 to 7)");
		int nd = dim[0];
		int[] size = new int[8];
		for (int i = 1; i < 8; i++) {
			// a 0 beyond x and y is taken as 1, as some writers leave unused
			// dimensions at 0
			if (i <= nd && (dim[i] < 0 || dim[i] == 0 && i <= 2))
				throw new GanException(name +
					" is a damaged NIfTI file: its dimension " + i + " has size " +
					dim[i] + " (dim[" + i + "] must be at least 1)");
			size[i] = i <= nd ? Math.max(1, dim[i]) : 1;
		}
		int w = size[1], ht = size[2], z = size[3], t = size[4];
		long c = (long) size[5] * size[6] * size[7];
		if (c > 1024) throw new GanException(name + " has " + c +
			" components per voxel; fiji-gan " +
			"reads images of up to 1024 channels");
		checkSize(header, w, ht, z, t, c, name, fileBytes);
		RasterImage image = voxels(in, header, w, ht, z, t, (int) c, read.order(),
			name);
		String unit = unitName(header.xyztUnits());
		java.util.List<String> notes = new java.util.ArrayList<>();
		Calibration calibration = calibration(pixdim, unit, header.orientation(),
			name, z, notes);
		String timeUnit = timeName(header.xyztUnits());
		if (timeUnit != null && nd >= 4 && pixdim[4] > 0) calibration = calibration
			.withFrameInterval(pixdim[4], timeUnit);
		image.setCalibration(calibration).setTitle(name);
		return new Volume(header, image, comment, java.util.List.copyOf(notes));
	}

	/**
	 * Refuses a header whose {@code vox_offset} does not say where the voxels of
	 * this file start, before anything else is read: one below the header and its
	 * 4 extension bytes (a negative or NaN offset read as 0 took the voxels from
	 * the extension bytes, every voxel shifted by one), one beyond the file, and
	 * the header of a {@code .hdr}/{@code .img} pair, whose voxels (from
	 * {@code vox_offset}, 0 allowed) lie in the {@code .img} file, which is not
	 * read.
	 *
	 * @param fileBytes the file's length when it is not compressed, else -1
	 */
	private static void checkVoxOffset(Header header, int headerBytes,
		String name, long fileBytes)
	{
		String magic = header.magic();
		if (magic.startsWith("ni")) throw new GanException(name +
			" is the header of a NIfTI .hdr/.img pair (magic '" + magic +
			"'): its voxels are in the .img file, which fiji-gan does not read; " +
			"save the volume as one .nii or .nii.gz file");
		float offset = header.voxOffset();
		int least = headerBytes + 4;
		if (!(offset >= least) || offset == Float.POSITIVE_INFINITY)
			throw new GanException(name +
				" is a damaged NIfTI file: its vox_offset is " + number(offset) +
				", where a single file's voxels start at byte " + least +
				" or later (after its " + headerBytes +
				"-byte header and 4 extension bytes)");
		if (fileBytes >= 0 && offset > fileBytes) throw new GanException(name +
			" is a damaged NIfTI file: its vox_offset is " + number(offset) +
			", beyond the file's " + String.format(Locale.ROOT, "%,d", fileBytes) +
			" bytes");
	}

	/** A header's float as written: whole numbers without a fraction. */
	private static String number(float v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
			: Float.toString(v);
	}

	/** The fields of a NIfTI-1 header. */
	private static Header header1(byte[] head, ByteBuffer h, String name) {
		String magic = new String(head, 344, 3, StandardCharsets.US_ASCII);
		if (!magic.equals("n+1") && !magic.equals("ni1")) throw new GanException(
			name + " is not a NIfTI-1 file (magic '" + org.fijigan.core.text.Printable
				.of(magic) + "')");
		short[] dim = new short[8];
		for (int i = 0; i < 8; i++)
			dim[i] = h.getShort(40 + 2 * i);
		float[] pixdim = new float[8];
		for (int i = 0; i < 8; i++)
			pixdim[i] = h.getFloat(76 + 4 * i);
		short qform = h.getShort(252), sform = h.getShort(254);
		float[] q = new float[6];
		for (int k = 0; k < 6; k++) // quatern_b, c, d, qoffset_x, y, z
			q[k] = h.getFloat(256 + 4 * k);
		float[][] srow = new float[3][4];
		for (int k = 0; k < 12; k++)
			srow[k / 4][k % 4] = h.getFloat(280 + 4 * k);
		return new Header(dim, h.getShort(70), h.getShort(72), pixdim, h.getFloat(
			108), h.getFloat(112), h.getFloat(116), head[123] & 0xff, text(head, 148),
			magic, qform, sform, orientation(qform, sform, q, pixdim[0], srow));
	}

	/**
	 * The fields of a NIfTI-2 header (64-bit sizes and offsets, doubles), as
	 * NIfTI-1 fields: sizes beyond 32,767 voxels are refused.
	 */
	private static Header header2(byte[] head, ByteBuffer h, String name) {
		String magic = new String(head, 4, 3, StandardCharsets.US_ASCII);
		if (!magic.equals("n+2") && !magic.equals("ni2")) throw new GanException(
			name + " is not a NIfTI-2 file (magic '" + org.fijigan.core.text.Printable
				.of(magic) + "')");
		short[] dim = new short[8];
		for (int i = 0; i < 8; i++) {
			long d = h.getLong(16 + 8 * i);
			if (d > Short.MAX_VALUE || d < Short.MIN_VALUE) throw new GanException(
				name + " declares " + d + " voxels along its dimension " + i +
					", more than fiji-gan reads (32,767)");
			dim[i] = (short) d;
		}
		float[] pixdim = new float[8];
		for (int i = 0; i < 8; i++)
			pixdim[i] = (float) h.getDouble(104 + 8 * i);
		// as a float in the header record: exact up to 2^24; the least is checked
		// where the voxels are read
		long offset = h.getLong(168);
		if (offset > 1L << 24) throw new GanException(name +
			" is a damaged NIfTI file: its vox_offset is " + offset +
			", more than fiji-gan reads (16,777,216)");
		short qform = (short) h.getInt(344), sform = (short) h.getInt(348);
		float[] q = new float[6];
		for (int k = 0; k < 6; k++)
			q[k] = (float) h.getDouble(352 + 8 * k);
		float[][] srow = new float[3][4];
		for (int k = 0; k < 12; k++)
			srow[k / 4][k % 4] = (float) h.getDouble(400 + 8 * k);
		return new Header(dim, h.getShort(12), h.getShort(14), pixdim, offset,
			(float) h.getDouble(176), (float) h.getDouble(184), h.getInt(500), text(
				head, 240), magic, qform, sform, orientation(qform, sform, q, pixdim[0],
					srow));
	}

	/**
	 * The qform and sform of a header as stored, or null when it gives neither.
	 */
	private static NiftiOrientation orientation(short qform, short sform,
		float[] q, float qfac, float[][] srow)
	{
		if (qform <= 0 && sform <= 0) return null;
		return new NiftiOrientation((short) Math.max(0, qform), Arrays.copyOf(q, 3),
			Arrays.copyOfRange(q, 3, 6), qfac < 0 ? -1 : 1, (short) Math.max(0,
				sform), srow);
	}

	/** The NUL-ended ASCII text of up to 80 bytes at {@code at}. */
	private static String text(byte[] head, int at) {
		int nul = 0;
		while (nul < DESCRIP_BYTES && head[at + nul] != 0)
			nul++;
		return new String(head, at, nul, StandardCharsets.US_ASCII);
	}

	/**
	 * Refuses, before any voxel is read, a header that declares more voxels than
	 * the file holds (known for an uncompressed file), a plane beyond one Java
	 * array, or an image beyond the Java heap: a lying header must not make the
	 * reader allocate what the file does not hold.
	 */
	private static void checkSize(Header header, int w, int h, int z, int t,
		long c, String name, long fileBytes)
	{
		int bytes = bytesPerVoxel(header.datatype());
		if (bytes == 0) return; // refused with its own message when the voxels are
														// read
		long plane = (long) w * h;
		long voxels = TiffCheck.times(TiffCheck.times(plane, (long) z * t), c);
		if (plane * bytes > Integer.MAX_VALUE - 8) throw new GanException(name +
			" declares planes of " + w + "x" + h +
			" voxels, more than one Java array holds");
		long end = TiffCheck.plus((long) header.voxOffset(), TiffCheck.times(voxels,
			bytes));
		if (fileBytes >= 0 && end > fileBytes) throw new GanException(name +
			" is truncated: its " + "header declares " + w + "x" + h + "x" + z + "x" +
			t + (c > 1 ? "x" + c : "") + " voxels of " + bytes + " byte" + (bytes == 1
				? "" : "s") + " up to byte " + String.format(Locale.ROOT, "%,d", end) +
			", but the file has " + String.format(Locale.ROOT, "%,d", fileBytes) +
			" bytes");
		long heap = Runtime.getRuntime().maxMemory();
		boolean scaled = header.sclSlope() != 0 && (header.sclSlope() != 1 || header
			.sclInter() != 0);
		short dt = header.datatype();
		long inMemory = TiffCheck.times(voxels, !scaled && dt == DT_UINT8 ? 1
			: !scaled && dt == DT_UINT16 ? 2 : 4);
		if (inMemory > heap) throw new GanException(name + " declares " + w + "x" +
			h + "x" + z + "x" + t + (c > 1 ? "x" + c : "") + " voxels, " + String
				.format(Locale.ROOT, "%,d", inMemory) +
			" bytes in memory, more than the " + String.format(Locale.ROOT, "%,d",
				heap) +
			" bytes Java may use: give Java more (JAVA_OPTS=-Xmx...) or crop the volume");
	}

	/** Bytes per voxel of a NIfTI datatype fiji-gan reads; 0 for another. */
	private static int bytesPerVoxel(short dt) {
		return switch (dt) {
			case DT_UINT8, DT_INT8 -> 1;
			case DT_UINT16, DT_INT16 -> 2;
			case DT_FLOAT32, DT_INT32, DT_UINT32 -> 4;
			case DT_FLOAT64, DT_INT64, DT_UINT64 -> 8;
			case DT_RGB24 -> 3;
			default -> 0;
		};
	}

	/** A 64-bit unsigned integer as the nearest double. */
	static double unsigned(long v) {
		return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
	}

	/**
	 * The voxel size of {@code pixdim[1..3]} in {@code unit}: a negative size as
	 * its magnitude (as nibabel reads it); a size of 0, not a number or infinite
	 * is no size, and is left out with a note, never taken as 1 of the unit: x
	 * and y together (the image is then in pixels), z alone. An image of one
	 * slice has no slice spacing to give: its {@code pixdim[3]} (often 0 in a 2D
	 * file) is not read, and the spacing is 1 of the unit, ImageJ's for one
	 * plane.
	 */
	private static Calibration calibration(float[] pixdim, String unit,
		NiftiOrientation orientation, String name, int slices,
		java.util.List<String> notes)
	{
		double[] size = new double[3];
		String[] axes = { "x", "y", "z" };
		boolean xy = true, z = true;
		for (int i = 0; i < 3; i++) {
			size[i] = Math.abs(pixdim[i + 1]);
			if (i == 2 && slices == 1 && !(size[i] > 0 && Double.isFinite(size[i])))
				size[i] = 1;
			if (size[i] > 0 && Double.isFinite(size[i])) continue;
			if (i < 2) xy = false;
			else z = false;
			if (!Units.isPixel(unit)) notes.add(name + ": its voxel size in " +
				axes[i] + " (pixdim[" + (i + 1) + "]) is " + pixdim[i + 1] +
				", which is no size: " + (i < 2 ? "its pixel size is"
					: "its slice spacing is") + " left out");
		}
		String zUnit = z ? unit : "pixel";
		return xy ? new Calibration(size[0], size[1], z ? size[2] : 1, unit,
			orientation).withUnits(unit, zUnit) : new Calibration(1, 1, z ? size[2]
				: 1, "pixel", orientation).withUnits("pixel", zUnit);
	}

	private static RasterImage voxels(InputStream in, Header header, int w, int h,
		int z, int t, int c, ByteOrder order, String name) throws IOException
	{
		short dt = header.datatype();
		// NIfTI-1: a scl_slope of 0 or not a number means the values are stored
		// unscaled (as nibabel
		// and FSL read them); an intercept that is not a number counts as 0
		float slope = header.sclSlope(), inter = Float.isFinite(header.sclInter())
			? header.sclInter() : 0;
		boolean scaled = Float.isFinite(slope) && slope != 0 && (slope != 1 ||
			inter != 0);
		int bytes = bytesPerVoxel(dt);
		if (bytes == 0) throw new GanException(name + " has NIfTI datatype " + dt +
			(COMPLEX.contains(dt) ? " (complex numbers)" : "") +
			", which fiji-gan does not read: save the magnitude or the real part " +
			"as float32");
		PixelType type = scaled && dt != DT_RGB24 ? PixelType.FLOAT32
			: switch (dt) {
				case DT_UINT8 -> PixelType.UINT8;
				case DT_UINT16 -> PixelType.UINT16;
				case DT_RGB24 -> PixelType.RGB;
				default -> PixelType.FLOAT32;
			};
		int n = w * h;
		Object[] planes = new Object[c * z * t];
		for (int ci = 0; ci < c; ci++)
			for (int ti = 0; ti < t; ti++)
				for (int zi = 0; zi < z; zi++) {
					byte[] raw = in.readNBytes(n * bytes);
					if (raw.length < n * bytes) throw new GanException(name +
						" ends before its voxels do (truncated?)");
					ByteBuffer b = ByteBuffer.wrap(raw).order(order);
					Object plane = type.newPlane(n);
					for (int i = 0; i < n; i++) {
						switch (type) {
							case UINT8 -> ((byte[]) plane)[i] = raw[i];
							case UINT16 -> ((short[]) plane)[i] = b.getShort(2 * i);
							case RGB -> ((int[]) plane)[i] = 0xff000000 | (raw[3 * i] &
								0xff) << 16 | (raw[3 * i + 1] & 0xff) << 8 | raw[3 * i + 2] &
									0xff;
							case FLOAT32 -> {
								double v = switch (dt) {
									case DT_UINT8 -> raw[i] & 0xff;
									case DT_INT8 -> raw[i];
									case DT_UINT16 -> b.getShort(2 * i) & 0xffff;
									case DT_INT16 -> b.getShort(2 * i);
									case DT_INT32 -> b.getInt(4 * i);
									case DT_UINT32 -> b.getInt(4 * i) & 0xffffffffL;
									case DT_INT64 -> b.getLong(8 * i);
									case DT_UINT64 -> unsigned(b.getLong(8 * i));
									case DT_FLOAT64 -> b.getDouble(8 * i);
									default -> b.getFloat(4 * i);
								};
								((float[]) plane)[i] = (float) (scaled ? v * slope + inter : v);
							}
						}
					}
					// channel slowest in the file, fastest in the image
					planes[ci + c * (zi + z * ti)] = plane;
				}
		return new RasterImage(w, h, c, z, t, type, planes);
	}
}
