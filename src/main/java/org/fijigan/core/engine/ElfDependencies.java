
package org.fijigan.core.engine;

import org.fijigan.core.io.FileChannels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared libraries an ELF library names as its dependencies
 * ({@code DT_NEEDED}) and where it asks the dynamic loader to look for them
 * ({@code DT_RUNPATH}, {@code DT_RPATH}), read from its dynamic section: a few
 * kilobytes, however large the library.
 *
 * @param needed sonames in the library's order, e.g. {@code libcudart.so.12}
 * @param searchPath folders as written, {@code $ORIGIN} not substituted
 */
record ElfDependencies(List<String> needed, List<String> searchPath) {

	private static final int PT_LOAD = 1, PT_DYNAMIC = 2;
	private static final int DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ =
		10, DT_RPATH = 15, DT_RUNPATH = 29;
	/**
	 * Bounds that no real library comes near; a damaged one fails on them instead
	 * of allocating.
	 */
	private static final long MAX_DYNAMIC_BYTES = 1 << 20, MAX_NAME_BYTES = 4096;

	ElfDependencies {
		needed = List.copyOf(needed);
		searchPath = List.copyOf(searchPath);
	}

	/**
	 * @throws IOException when the file cannot be read or is not an ELF library
	 *           with a dynamic section
	 */
	static ElfDependencies read(Path file) throws IOException {
		try (FileChannel ch = FileChannel.open(file)) {
			ByteBuffer ident = read(ch, 0, 16);
			if (ident.getInt(0) != 0x7f454c46) throw new IOException(file
				.getFileName() + " is not an ELF file");
			boolean wide = ident.get(4) == 2;
			ByteOrder order = ident.get(5) == 2 ? ByteOrder.BIG_ENDIAN
				: ByteOrder.LITTLE_ENDIAN;
			ByteBuffer header = read(ch, 0, wide ? 64 : 52).order(order);
			long phoff = wide ? header.getLong(0x20) : Integer.toUnsignedLong(header
				.getInt(0x1c));
			int phentsize = Short.toUnsignedInt(header.getShort(wide ? 0x36 : 0x2a));
			int phnum = Short.toUnsignedInt(header.getShort(wide ? 0x38 : 0x2c));
			ByteBuffer ph = read(ch, phoff, (long) phentsize * phnum).order(order);
			List<long[]> loads = new ArrayList<>(); // {offset, vaddr, filesz}
			long dynOffset = -1, dynSize = 0;
			for (int i = 0; i < phnum; i++) {
				int at = i * phentsize;
				int type = ph.getInt(at);
				long offset = wide ? ph.getLong(at + 8) : Integer.toUnsignedLong(ph
					.getInt(at + 4));
				long vaddr = wide ? ph.getLong(at + 16) : Integer.toUnsignedLong(ph
					.getInt(at + 8));
				long filesz = wide ? ph.getLong(at + 32) : Integer.toUnsignedLong(ph
					.getInt(at + 16));
				if (type == PT_LOAD) loads.add(new long[] { offset, vaddr, filesz });
				if (type == PT_DYNAMIC) {
					dynOffset = offset;
					dynSize = filesz;
				}
			}
			if (dynOffset < 0) throw new IOException(file.getFileName() +
				" has no dynamic section");
			if (dynSize > MAX_DYNAMIC_BYTES) throw new IOException(file
				.getFileName() + " has a damaged dynamic section");
			ByteBuffer dyn = read(ch, dynOffset, dynSize).order(order);
			int entry = wide ? 16 : 8;
			long strtab = -1;
			List<Long> neededAt = new ArrayList<>(), pathAt = new ArrayList<>();
			for (int at = 0; at + entry <= dynSize; at += entry) {
				long tag = wide ? dyn.getLong(at) : dyn.getInt(at);
				long value = wide ? dyn.getLong(at + 8) : Integer.toUnsignedLong(dyn
					.getInt(at + 4));
				if (tag == DT_NULL) break;
				if (tag == DT_NEEDED) neededAt.add(value);
				else if (tag == DT_RUNPATH || tag == DT_RPATH) pathAt.add(value);
				else if (tag == DT_STRTAB) strtab = value;
				else if (tag == DT_STRSZ && value > 64L << 20) throw new IOException(
					file.getFileName() + " has a damaged string table");
			}
			long strings = fileOffset(loads, strtab);
			if (strings < 0) throw new IOException(file.getFileName() +
				" has no string table in its loaded segments");
			List<String> needed = new ArrayList<>(), searchPath = new ArrayList<>();
			for (long n : neededAt)
				needed.add(string(ch, strings + n));
			for (long p : pathAt)
				for (String dir : string(ch, strings + p).split(":"))
					if (!dir.isEmpty()) searchPath.add(dir);
			return new ElfDependencies(needed, searchPath);
		}
		catch (IndexOutOfBoundsException | IllegalArgumentException e) {
			throw new IOException(file.getFileName() + " is a damaged ELF file", e);
		}
	}

	/**
	 * Where the loaded segment holding virtual address {@code vaddr} has it in
	 * the file, or -1.
	 */
	private static long fileOffset(List<long[]> loads, long vaddr) {
		if (vaddr < 0) return -1;
		for (long[] l : loads)
			if (vaddr >= l[1] && vaddr < l[1] + l[2]) return l[0] + (vaddr - l[1]);
		return -1;
	}

	private static ByteBuffer read(FileChannel ch, long position, long length)
		throws IOException
	{
		if (position < 0 || length < 0 || length > MAX_DYNAMIC_BYTES || position +
			length > ch.size()) throw new IOException(
				"the file ends before its ELF headers do");
		ByteBuffer b = ByteBuffer.allocate((int) length);
		if (FileChannels.readAt(ch, b, position) < length) throw new IOException(
			"the file ends early");
		return b.flip();
	}

	private static String string(FileChannel ch, long position)
		throws IOException
	{
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteBuffer b = ByteBuffer.allocate(256);
		for (long at = position; out.size() < MAX_NAME_BYTES; at += 256) {
			b.clear();
			int n = ch.read(b, at);
			if (n <= 0) break;
			for (int i = 0; i < n; i++) {
				if (b.get(i) == 0) return out.toString(StandardCharsets.UTF_8);
				out.write(b.get(i));
			}
		}
		throw new IOException("a name in the string table does not end");
	}
}
