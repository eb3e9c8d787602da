
package org.fijigan.core.image;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.NpyArray.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

	@TempDir
	Path dir;

	/**
	 * The exact bytes of
	 * {@code np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))} (numpy 2.4).
	 */
	private static byte[] numpyArange() {
		String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
		return concat(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76,
			0 }, (dict + " ".repeat(58) + "\n").getBytes(StandardCharsets.ISO_8859_1),
			HexFormat.of().parseHex(
				"000000000000803f0000004000004040000080400000a040"));
	}

	@Test
	void readsAndWritesNumpysExactBytes() throws IOException {
		Path file = Files.write(dir.resolve("a.npy"), numpyArange());
		NpyArray array = Npy.read(file);
		assertEquals(DType.FLOAT32, array.dtype());
		assertArrayEquals(new long[] { 2, 3 }, array.shape());
		assertArrayEquals(new float[] { 0, 1, 2, 3, 4, 5 }, (float[]) array.data());
		Npy.writeFloat(dir.resolve("b.npy"), new float[] { 0, 1, 2, 3, 4, 5 }, 2,
			3);
		assertArrayEquals(numpyArange(), Files.readAllBytes(dir.resolve("b.npy")));
	}

	@Test
	void readsBigEndianVersion2() {
		// np.lib.format.write_array(f, np.array([1, -2, 300], dtype='>i2'),
		// version=(2, 0))
		String dict = "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }";
		byte[] bytes = concat(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2,
			0, 0x74, 0, 0, 0 }, (dict + " ".repeat(58) + "\n").getBytes(
				StandardCharsets.ISO_8859_1), HexFormat.of().parseHex("0001fffe012c"));
		NpyArray array = Npy.read(new ByteArrayInputStream(bytes));
		assertEquals(DType.INT16, array.dtype());
		assertArrayEquals(new long[] { 3 }, array.shape());
		assertArrayEquals(new short[] { 1, -2, 300 }, (short[]) array.data());
	}

	@Test
	void roundTripsEveryDtypeExactly() {
		long[] shape = { 2, 1, 2 };
		List<NpyArray> arrays = List.of(new NpyArray(DType.FLOAT32, shape,
			new float[] { -0f, 1.5f, Float.MAX_VALUE, Float.NaN }), new NpyArray(
				DType.FLOAT64, shape, new double[] { Math.PI, -1e300, Double.MIN_VALUE,
					Double.NEGATIVE_INFINITY }), new NpyArray(DType.INT64, shape,
						new long[] { Long.MIN_VALUE, -1, 0, Long.MAX_VALUE }), new NpyArray(
							DType.INT32, shape, new int[] { Integer.MIN_VALUE, -1, 7,
								Integer.MAX_VALUE }), new NpyArray(DType.INT16, shape,
									new short[] { Short.MIN_VALUE, -1, 7, Short.MAX_VALUE }),
			new NpyArray(DType.UINT16, shape, new short[] { 0, 1, (short) 40000,
				(short) 65535 }), new NpyArray(DType.INT8, shape, new byte[] { -128, -1,
					0, 127 }), new NpyArray(DType.UINT8, shape, new byte[] { 0, 1,
						(byte) 200, (byte) 255 }), new NpyArray(DType.BOOL, shape,
							new boolean[] { true, false, false, true }));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (NpyArray array : arrays)
			Npy.write(out, array);
		ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
		for (NpyArray expected : arrays) {
			NpyArray actual = Npy.read(in);
			assertEquals(expected.dtype(), actual.dtype());
			assertArrayEquals(shape, actual.shape());
			assertTrue(Arrays.deepEquals(new Object[] { expected.data() },
				new Object[] { actual.data() }), expected.dtype().name());
		}
		assertEquals(0, in.available());
		assertArrayEquals(new float[] { 0, 1, 200, 255 }, arrays.get(7)
			.toFloatArray());
		assertArrayEquals(new long[] { 0, 1, 40000, 65535 }, arrays.get(5)
			.toLongArray());
		assertArrayEquals(new double[] { 1, 0, 0, 1 }, arrays.get(8)
			.toDoubleArray());
	}

	@Test
	void writesScalarsAndLongShapes() throws IOException {
		Npy.write(dir.resolve("s.npy"), new NpyArray(DType.FLOAT64, new long[0],
			new double[] { 2.5 }));
		String header = new String(Files.readAllBytes(dir.resolve("s.npy")), 10, 55,
			StandardCharsets.ISO_8859_1);
		assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
			header);
		assertEquals(2.5, Npy.read(dir.resolve("s.npy")).toDoubleArray()[0]);
		long[] shape = new long[22000];
		Arrays.fill(shape, 1);
		Npy.write(dir.resolve("v2.npy"), new NpyArray(DType.UINT8, shape,
			new byte[] { 9 }));
		assertEquals(2, Files.readAllBytes(dir.resolve("v2.npy"))[6]);
		assertArrayEquals(shape, Npy.read(dir.resolve("v2.npy")).shape());
	}

	/** A version 1 .npy of the given header fields and data (hex). */
	private static byte[] npy(String descr, boolean fortran, String shape,
		String hex)
	{
		String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran
			? "True" : "False") + ", 'shape': (" + shape + "), }";
		int padded = (10 + dict.length() + 1 + 63) / 64 * 64 - 10;
		String header = dict + " ".repeat(padded - dict.length() - 1) + "\n";
		return concat(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
			(byte) padded, (byte) (padded >> 8) }, header.getBytes(
				StandardCharsets.ISO_8859_1), HexFormat.of().parseHex(hex));
	}

	/**
	 * Fortran order (the first axis fastest) is read into C order, half floats as
	 * float32 and unsigned 32- and 64-bit integers as int64, exactly; they were
	 * refused.
	 */
	@Test
	void readsFortranOrderHalfFloatsAndWideUnsignedIntegers() {
		// np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)): stored 0 3 1
		// 4 2 5, column by column
		NpyArray f = Npy.read(new ByteArrayInputStream(npy("<f4", true, "2, 3",
			"00000000000040400000803f0000804000000040" + "0000a040")));
		assertArrayEquals(new float[] { 0, 1, 2, 3, 4, 5 }, (float[]) f.data());
		// a 2x2x2 cube: C index (i, j, k) holds 100 i + 10 j + k
		StringBuilder cube = new StringBuilder();
		for (int k = 0; k < 2; k++)
			for (int j = 0; j < 2; j++)
				for (int i = 0; i < 2; i++)
					cube.append(String.format("%02x", 100 * i + 10 * j + k));
		NpyArray c = Npy.read(new ByteArrayInputStream(npy("|u1", true, "2, 2, 2",
			cube.toString())));
		assertArrayEquals(new byte[] { 0, 1, 10, 11, 100, 101, 110, 111 },
			(byte[]) c.data());
		// 1, -2, 65504 (the largest half), 2^-24 (the smallest subnormal), -0,
		// infinity, NaN; little and big endian
		NpyArray half = Npy.read(new ByteArrayInputStream(npy("<f2", false, "7,",
			"003c00c0ff7b0100008000" + "7c007e")));
		assertEquals(DType.FLOAT32, half.dtype());
		float[] h = (float[]) half.data();
		assertArrayEquals(new float[] { 1, -2, 65504, 0x1p-24f, -0f,
			Float.POSITIVE_INFINITY }, Arrays.copyOf(h, 6));
		assertTrue(Float.isNaN(h[6]));
		assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(h[4]));
		assertArrayEquals(new float[] { 1, -2 }, (float[]) Npy.read(
			new ByteArrayInputStream(npy(">f2", false, "2,", "3c00c000"))).data());
		NpyArray u4 = Npy.read(new ByteArrayInputStream(npy("<u4", false, "2,",
			"ffffffff07000000")));
		assertEquals(DType.INT64, u4.dtype());
		assertArrayEquals(new long[] { 4294967295L, 7 }, (long[]) u4.data());
		assertArrayEquals(new long[] { Long.MAX_VALUE }, (long[]) Npy.read(
			new ByteArrayInputStream(npy("<u8", false, "1,", "ffffffffffffff7f")))
			.data());
		assertEquals("the .npy stream holds the unsigned 64-bit value " +
			"9223372036854775808 at element 0, beyond what fiji-gan reads (2^63 - 1)",
			assertThrows(GanException.class, () -> Npy.read(new ByteArrayInputStream(
				npy("<u8", false, "1,", "0000000000000080")))).getMessage());
	}

	@Test
	void rejectsObjectsAndTruncatedFiles() throws IOException {
		String arange = new String(numpyArange(), StandardCharsets.ISO_8859_1);
		Path objects = Files.write(dir.resolve("o.npy"), arange.replace("'<f4'",
			"'|O' ").getBytes(StandardCharsets.ISO_8859_1));
		assertTrue(assertThrows(GanException.class, () -> Npy.read(objects))
			.getMessage().contains("Python objects"));
		Path truncated = Files.write(dir.resolve("t.npy"), Arrays.copyOf(
			numpyArange(), 150));
		assertEquals(truncated +
			" is truncated: its data for shape [2, 3] needs 24 bytes, only 22 remain",
			assertThrows(GanException.class, () -> Npy.read(truncated)).getMessage());
		Path longer = Files.write(dir.resolve("l.npy"), Arrays.copyOf(numpyArange(),
			156));
		assertTrue(assertThrows(GanException.class, () -> Npy.read(longer))
			.getMessage().contains("more data than its shape"));
		assertThrows(GanException.class, () -> new NpyArray(DType.FLOAT32,
			new long[] { 2, 2 }, new float[3]));
	}

	/**
	 * A header that breaks (a fuzzed key) is quoted on one line: its line break
	 * and, when its length takes pixels for text, their bytes escaped.
	 */
	@Test
	void aMalformedHeaderIsQuotedOnOneLine() throws IOException {
		String arange = new String(numpyArange(), StandardCharsets.ISO_8859_1);
		Path broken = Files.write(dir.resolve("b.npy"), arange.replace("'shape'",
			"'shap' ").getBytes(StandardCharsets.ISO_8859_1));
		String message = assertThrows(GanException.class, () -> Npy.read(broken))
			.getMessage();
		assertEquals(1, message.lines().count(), message);
		assertTrue(message.startsWith(broken + " has a malformed header: {'descr'"),
			message);
		byte[] longer = Files.readAllBytes(broken);
		longer[8] += 16; // the header's length now takes in 16 bytes of data
		Path spilled = Files.write(dir.resolve("s.npy"), longer);
		String spill = assertThrows(GanException.class, () -> Npy.read(spilled))
			.getMessage();
		assertEquals(1, spill.lines().count(), spill);
		assertTrue(spill.contains("\\x0a"), spill);
	}

	/**
	 * A header that gives a key twice is refused: numpy takes the last value
	 * (here a 400000x400000 array), and reading the first (4x4) showed another
	 * array than numpy does. A shape whose element count overflows a long is
	 * refused naming the file.
	 */
	@Test
	void aKeyGivenTwiceOrAnOverflowingShapeIsRefusedNamingTheFile()
		throws IOException
	{
		Path twice = Files.write(dir.resolve("twice.npy"), npy("<f4", false,
			"4, 4), 'shape': (400000, 400000", "00".repeat(64)));
		assertEquals(twice + " has a header that gives 'shape' twice: {'descr': " +
			"'<f4', 'fortran_order': False, 'shape': (4, 4), 'shape': (400000, " +
			"400000), }", assertThrows(GanException.class, () -> Npy.read(twice))
				.getMessage());
		Path overflow = Files.write(dir.resolve("overflow.npy"), npy("<f4", false,
			"4611686018427387904, 4", ""));
		assertEquals(overflow +
			": shape [4611686018427387904, 4] has too many elements", assertThrows(
				GanException.class, () -> Npy.read(overflow)).getMessage());
		// a count that fits a long but whose bytes do not
		Path wide = Files.write(dir.resolve("wide.npy"), npy("<f8", false,
			"2305843009213693952,", ""));
		assertEquals(wide + ": shape [2305843009213693952] is too large for one " +
			"Java array", assertThrows(GanException.class, () -> Npy.read(wide))
				.getMessage());
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts)
			out.writeBytes(part);
		return out.toByteArray();
	}
}
