
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;
import org.fijigan.core.io.JavaHeap;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.image.NpyArray.DType;

/**
 * Reads and writes NumPy's .npy format (versions 1.0, 2.0 and 3.0): C-order
 * arrays of the {@link DType}s, either byte order on read, little-endian on
 * write. The stream methods neither close nor buffer beyond what they read, so
 * several arrays can follow each other in one stream.
 */
public final class Npy {

	private static final byte[] MAGIC = { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y' };
	private static final int MAX_HEADER_BYTES = 1 << 20;
	private static final Pattern DESCR = Pattern.compile(
		"['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
	private static final Pattern FORTRAN = Pattern.compile(
		"['\"]fortran_order['\"]\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile(
		"['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

	private Npy() {}

	public static NpyArray read(Path file) {
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
			NpyArray array = read(in, file.toString());
			if (in.read() != -1) throw new GanException(file +
				" has more data than its shape " + Arrays.toString(array.shape()) +
				" holds");
			return array;
		}
		catch (IOException e) {
			throw new GanException("cannot read " + file + ": " + e, e);
		}
	}

	/** Reads one array and leaves {@code in} just after it. */
	public static NpyArray read(InputStream in) {
		try {
			return read(in, "the .npy stream");
		}
		catch (IOException e) {
			throw new GanException("cannot read the .npy stream: " + e, e);
		}
	}

	public static void write(Path file, NpyArray array) {
		try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(
			file)))
		{
			write(out, array);
		}
		catch (IOException e) {
			throw new GanException("cannot write " + file + ": " + e, e);
		}
	}

	public static void writeFloat(Path file, float[] data, long... shape) {
		write(file, NpyArray.ofFloats(data, shape));
	}

	/**
	 * Writes one array (version 1.0 header unless it needs 2.0) and does not
	 * close {@code out}.
	 */
	public static void write(OutputStream out, NpyArray array) {
		DType dtype = array.dtype();
		String shape = Arrays.stream(array.shape()).mapToObj(Long::toString)
			.collect(Collectors.joining(", "));
		if (array.shape().length == 1) shape += ",";
		String dict = "{'descr': '" + (dtype.bytesPerElement() == 1 ? "|" : "<") +
			dtype.code() + "', 'fortran_order': False, 'shape': (" + shape + "), }";
		int preamble = dict.length() + 1 + 10 > 65535 ? 12 : 10;
		int headerLength = (dict.length() + 1 + preamble + 63) / 64 * 64 - preamble;
		byte[] header = (dict + " ".repeat(headerLength - dict.length() - 1) + "\n")
			.getBytes(StandardCharsets.ISO_8859_1);
		ByteBuffer start = ByteBuffer.allocate(preamble).order(
			ByteOrder.LITTLE_ENDIAN).put(MAGIC);
		if (preamble == 10) start.put((byte) 1).put((byte) 0).putShort(
			(short) headerLength);
		else start.put((byte) 2).put((byte) 0).putInt(headerLength);
		ByteBuffer body = ByteBuffer.allocate(array.length() * dtype
			.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
		switch (dtype) {
			case FLOAT32 -> body.asFloatBuffer().put((float[]) array.data());
			case FLOAT64 -> body.asDoubleBuffer().put((double[]) array.data());
			case INT64 -> body.asLongBuffer().put((long[]) array.data());
			case INT32 -> body.asIntBuffer().put((int[]) array.data());
			case INT16, UINT16 -> body.asShortBuffer().put((short[]) array.data());
			case INT8, UINT8 -> body.put((byte[]) array.data());
			case BOOL -> {
				for (boolean b : (boolean[]) array.data())
					body.put((byte) (b ? 1 : 0));
			}
		}
		try {
			out.write(start.array());
			out.write(header);
			out.write(body.array());
		}
		catch (IOException e) {
			throw new GanException("cannot write the .npy data: " + e, e);
		}
	}

	private static NpyArray read(InputStream in, String source)
		throws IOException
	{
		byte[] start = readFully(in, 8, source, "header");
		if (!Arrays.equals(Arrays.copyOf(start, 6), MAGIC)) throw new GanException(
			source + " is not a .npy file");
		int major = start[6];
		if (major < 1 || major > 3) throw new GanException(source +
			" uses .npy format " + major + "." + start[7] +
			"; 1.0 to 3.0 are supported");
		ByteBuffer length = ByteBuffer.wrap(readFully(in, major == 1 ? 2 : 4,
			source, "header")).order(ByteOrder.LITTLE_ENDIAN);
		long headerLength = major == 1 ? length.getShort() & 0xffff : length
			.getInt() & 0xffffffffL;
		if (headerLength > MAX_HEADER_BYTES) throw new GanException(source +
			" has a " + headerLength + "-byte header; not a plain array");
		String header = new String(readFully(in, (int) headerLength, source,
			"header"), major == 3 ? StandardCharsets.UTF_8
				: StandardCharsets.ISO_8859_1);

		Matcher descr = DESCR.matcher(header), fortran = FORTRAN.matcher(header),
				shapeMatch = SHAPE.matcher(header);
		if (!descr.find()) throw new GanException(source +
			" holds a structured array (" + shown(header) +
			"); save a plain numeric array");
		if (!fortran.find() || !shapeMatch.find()) throw new GanException(source +
			" has a malformed header: " + shown(header));
		boolean fortranOrder = fortran.group(1).equals("True");
		String code = descr.group(1);
		String dims = shapeMatch.group(1);
		// numpy reads the header as a dict, where a key given twice takes its last
		// value: reading the first would show another array than numpy does
		for (Matcher again : List.of(descr, fortran, shapeMatch))
			if (again.find()) throw new GanException(source +
				" has a header that gives '" + again.group().replaceFirst(
					"^['\"]([^'\"]*)['\"][\\s\\S]*", "$1") + "' twice: " + shown(header));
		ByteOrder order = code.startsWith(">") ? ByteOrder.BIG_ENDIAN
			: ByteOrder.LITTLE_ENDIAN;
		String plain = code.replaceFirst("^[<>|=]", "");
		Widened widened = WIDENED.get(plain);
		DType dtype = widened != null ? widened.to() : dtype(plain, source);
		int elementBytes = widened != null ? widened.bytes() : dtype
			.bytesPerElement();
		long[] shape = Arrays.stream(dims.split(",")).map(String::trim).filter(
			s -> !s.isEmpty()).mapToLong(s -> parseDimension(s, source)).toArray();

		long elements;
		try {
			elements = NpyArray.elementCount(shape);
		}
		catch (GanException e) { // a count beyond a long
			throw new GanException(source + ": " + e.getMessage(), e);
		}
		int widest = Math.max(elementBytes, dtype.bytesPerElement());
		if (elements > (Integer.MAX_VALUE - 8) / widest) throw new GanException(
			source + ": shape " + Arrays.toString(shape) +
				" is too large for one Java array");
		long bytes = elements * widest;
		int count = (int) elements;
		long need = (long) count * elementBytes + bytes; // as stored, and as held
		long free = JavaHeap.free(need);
		if (need > free) throw new GanException(source + ": its shape " + Arrays
			.toString(shape) + " takes " + Numbers.bytes(need) +
			" of memory to read, more than fits: " + JavaHeap.shortOf(need, free));
		byte[] stored = readFully(in, count * elementBytes, source,
			"data for shape " + Arrays.toString(shape));
		if (fortranOrder) stored = toCOrder(stored, shape, elementBytes);
		ByteBuffer raw = ByteBuffer.wrap(stored).order(order);
		if (widened != null) raw = widen(raw, plain, count, source).order(
			ByteOrder.LITTLE_ENDIAN);
		Object data = switch (dtype) {
			case FLOAT32 -> {
				float[] a = new float[count];
				raw.asFloatBuffer().get(a);
				yield a;
			}
			case FLOAT64 -> {
				double[] a = new double[count];
				raw.asDoubleBuffer().get(a);
				yield a;
			}
			case INT64 -> {
				long[] a = new long[count];
				raw.asLongBuffer().get(a);
				yield a;
			}
			case INT32 -> {
				int[] a = new int[count];
				raw.asIntBuffer().get(a);
				yield a;
			}
			case INT16, UINT16 -> {
				short[] a = new short[count];
				raw.asShortBuffer().get(a);
				yield a;
			}
			case INT8, UINT8 -> raw.array();
			case BOOL -> {
				boolean[] a = new boolean[count];
				for (int i = 0; i < count; i++)
					a[i] = raw.get(i) != 0;
				yield a;
			}
		};
		return new NpyArray(dtype, shape, data);
	}

	/** A dtype read into a wider one: its stored bytes per element. */
	private record Widened(DType to, int bytes) {
	}

	/**
	 * Half floats (exact as float32), unsigned 32-bit integers (exact as int64)
	 * and unsigned 64-bit ones up to 2^63 - 1.
	 */
	private static final java.util.Map<String, Widened> WIDENED = java.util.Map
		.of("f2", new Widened(DType.FLOAT32, 2), "u4", new Widened(DType.INT64, 4),
			"u8", new Widened(DType.INT64, 8));

	/** The elements of {@code raw} (of dtype {@code code}) in a wider type. */
	private static ByteBuffer widen(ByteBuffer raw, String code, int count,
		String source)
	{
		ByteBuffer out = ByteBuffer.allocate(count * 8).order(
			ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < count; i++)
			switch (code) {
				case "f2" -> out.putFloat(i * 4, halfToFloat(raw.getShort(i * 2)));
				case "u4" -> out.putLong(i * 8, raw.getInt(i * 4) & 0xffffffffL);
				default -> {
					long v = raw.getLong(i * 8);
					if (v < 0) throw new GanException(source + " holds the unsigned " +
						"64-bit value " + Long.toUnsignedString(v) + " at element " + i +
						", beyond what fiji-gan reads (2^63 - 1)");
					out.putLong(i * 8, v);
				}
			}
		return out;
	}

	/** IEEE 754 half precision to float: exact, subnormals and NaN included. */
	static float halfToFloat(short h) {
		int sign = (h & 0x8000) << 16, exponent = h >> 10 & 0x1f, mantissa = h &
			0x3ff;
		if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 |
			mantissa << 13);
		if (exponent == 0) return sign != 0 ? -(mantissa * 0x1p-24f) : mantissa *
			0x1p-24f; // -0 kept
		return Float.intBitsToFloat(sign | exponent + 112 << 23 | mantissa << 13);
	}

	/**
	 * The elements of a Fortran-order (first axis fastest) array in C order (last
	 * axis fastest).
	 */
	static byte[] toCOrder(byte[] fortran, long[] shape, int elementBytes) {
		int n = shape.length, count = fortran.length / elementBytes;
		if (n < 2) return fortran;
		long[] stride = new long[n]; // Fortran strides, in elements
		stride[0] = 1;
		for (int k = 1; k < n; k++)
			stride[k] = stride[k - 1] * shape[k - 1];
		byte[] c = new byte[fortran.length];
		long[] index = new long[n];
		long from = 0;
		for (int i = 0; i < count; i++) {
			System.arraycopy(fortran, (int) from * elementBytes, c, i * elementBytes,
				elementBytes);
			for (int k = n - 1; k >= 0; k--) { // the next C-order index
				from += stride[k];
				if (++index[k] < shape[k]) break;
				from -= stride[k] * shape[k];
				index[k] = 0;
			}
		}
		return c;
	}

	private static DType dtype(String code, String source) {
		if (code.equals("?")) return DType.BOOL;
		for (DType dtype : DType.values())
			if (dtype.code().equals(code)) return dtype;
		if (code.startsWith("O")) throw new GanException(source +
			" holds Python objects (dtype object), which only Python can read; save a numeric array");
		List<String> supported = new ArrayList<>(Arrays.stream(DType.values()).map(
			DType::code).toList());
		supported.addAll(new java.util.TreeSet<>(WIDENED.keySet()));
		throw new GanException(source + " has dtype '" + shown(code) +
			"'; supported are " + supported);
	}

	private static long parseDimension(String text, String source) {
		try {
			long d = Long.parseLong(text.endsWith("L") ? text.substring(0, text
				.length() - 1) : text);
			if (d < 0) throw new NumberFormatException();
			return d;
		}
		catch (NumberFormatException e) {
			throw new GanException(source + " has a malformed shape dimension '" +
				shown(text) + "'");
		}
	}

	/**
	 * Header text for a message: trimmed, its control characters escaped, at most
	 * 160 characters (a damaged header length takes pixels for text).
	 */
	private static String shown(String header) {
		String t = org.fijigan.core.text.Printable.of(header.trim());
		return t.length() > 160 ? t.substring(0, 160) + "..." : t;
	}

	private static byte[] readFully(InputStream in, int length, String source,
		String what) throws IOException
	{
		byte[] bytes = in.readNBytes(length);
		if (bytes.length < length) throw new GanException(source +
			" is truncated: its " + what + " needs " + length + " bytes, only " +
			bytes.length + " remain");
		return bytes;
	}
}
