
package org.fijigan.core.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileHashes;

/**
 * The whole state of a training run at a step boundary: every tensor (generator
 * and discriminator parameters, optimizer state, EMA), the learning rate and
 * the loss history. Written atomically (temporary file, fsync, rename), so a
 * kill at any moment leaves the previous checkpoint or the new one, never a
 * torn file.
 *
 * @param step steps completed
 * @param baseSha256 SHA-256 of the model the run started from (a resume checks
 *          it)
 * @param settings the settings of the run that wrote it, {@code key=value}
 *          lines ({@link RunSettings}), checked by a resume; empty in a
 *          checkpoint of an earlier version
 */
public record Checkpoint(long step, double learningRate, String baseSha256,
		String settings, Map<String, float[]> tensors, List<float[]> history) {

	private static final int MAGIC_1 = 0x46474b31; // "FGK1": no settings
	private static final int MAGIC_2 = 0x46474b32; // "FGK2": no checksum
	/** "FGK3": FGK2 and a CRC-32 of every byte before it, last. */
	private static final int MAGIC = 0x46474b33;
	public static final String FILE = "checkpoint.fgk";

	/**
	 * Writes {@code dir/checkpoint.fgk} atomically.
	 *
	 * @return the SHA-256 of the file written, lower-case hex
	 */
	public String write(Path dir) {
		try {
			Files.createDirectories(dir);
			// a run killed while writing leaves its temporary file; the next write
			// removes it
			try (var stale = Files.newDirectoryStream(dir, p -> FILE.equals(AtomicFile
				.targetOfTemporary(p.getFileName().toString()))))
			{
				for (Path p : stale)
					Files.deleteIfExists(p);
			}
		}
		catch (IOException e) {
			throw new GanException("cannot create the checkpoint folder " + dir +
				": " + e.getMessage(), e);
		}
		MessageDigest digest = FileHashes.newSha256();
		AtomicFile.write(dir.resolve(FILE), os -> {
			digest.reset(); // a retried write hashes its own bytes alone
			CheckedOutputStream checked = new CheckedOutputStream(
				new BufferedOutputStream(new DigestOutputStream(os, digest), 1 << 16),
				new CRC32());
			DataOutputStream out = new DataOutputStream(checked);
			out.writeInt(MAGIC);
			out.writeLong(step);
			out.writeDouble(learningRate);
			out.writeUTF(baseSha256);
			out.writeUTF(settings == null ? "" : settings);
			out.writeInt(tensors.size());
			for (Map.Entry<String, float[]> e : tensors.entrySet()) {
				out.writeUTF(e.getKey());
				out.writeInt(e.getValue().length);
				for (float f : e.getValue())
					out.writeFloat(f);
			}
			out.writeInt(history.size());
			for (float[] h : history) {
				out.writeInt(h.length);
				for (float f : h)
					out.writeFloat(f);
			}
			out.writeInt((int) checked.getChecksum().getValue());
			out.flush();
		});
		return FileHashes.hex(digest);
	}

	/**
	 * The SHA-256 of {@code dir/checkpoint.fgk}, lower-case hex, as
	 * {@link #write} returns it: what {@link WrittenModel} ties the model its run
	 * wrote to.
	 */
	static String sha256(Path dir) {
		return FileHashes.sha256(dir.resolve(FILE), "checkpoint ");
	}

	/** Refuses a folder that holds no checkpoint to resume from. */
	static void requirePresent(Path dir) {
		if (!Files.isRegularFile(dir.resolve(FILE))) throw new GanException(
			"no checkpoint to resume from in " + dir);
	}

	/**
	 * The step and base model of {@code dir/checkpoint.fgk}, read from its head
	 * alone; null where there is none or it cannot be read (reading it whole says
	 * why).
	 */
	static Checkpoint head(Path dir) {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files
			.newInputStream(dir.resolve(FILE)))))
		{
			int magic = in.readInt();
			if (magic != MAGIC && magic != MAGIC_2 && magic != MAGIC_1) return null;
			long step = in.readLong();
			double lr = in.readDouble();
			return new Checkpoint(step, lr, in.readUTF(), "", Map.of(), List.of());
		}
		catch (IOException e) {
			return null;
		}
	}

	/**
	 * Reads a count from a checkpoint: from 0 to {@code most}, else the
	 * checkpoint is damaged.
	 */
	private static int count(DataInputStream in, long most, Path file,
		String what) throws IOException
	{
		int n = in.readInt();
		if (n < 0 || n > most) throw damaged(file, "it gives " + n + " " + what +
			" in " + Files.size(file) + " bytes");
		return n;
	}

	private static GanException damaged(Path file, String why) {
		return new GanException("checkpoint " + file + " is damaged (" + why +
			"): start afresh, or resume from a copy");
	}

	/** Reads {@code dir/checkpoint.fgk}. */
	public static Checkpoint read(Path dir) {
		Path file = dir.resolve(FILE);
		requirePresent(dir);
		try (CheckedInputStream checked = new CheckedInputStream(
			new BufferedInputStream(Files.newInputStream(file), 1 << 16),
			new CRC32()); DataInputStream in = new DataInputStream(checked))
		{
			int magic = in.readInt();
			if (magic != MAGIC && magic != MAGIC_2 && magic != MAGIC_1)
				throw new GanException(file + " is not a fiji-gan checkpoint");
			// every count is bounded by the bytes the file holds, so that a damaged
			// one (an old checkpoint has no checksum) is named, not allocated
			long bytes = Files.size(file);
			long step = in.readLong();
			double lr = in.readDouble();
			String sha = in.readUTF();
			String settings = magic == MAGIC_1 ? "" : in.readUTF();
			int n = count(in, bytes, file, "tensors");
			Map<String, float[]> tensors = new LinkedHashMap<>();
			for (int i = 0; i < n; i++) {
				String name = in.readUTF();
				float[] v = new float[count(in, bytes / Float.BYTES, file,
					"values of tensor " + name)];
				for (int k = 0; k < v.length; k++)
					v[k] = in.readFloat();
				tensors.put(name, v);
			}
			int h = count(in, bytes, file, "loss history entries");
			List<float[]> history = new ArrayList<>();
			for (int i = 0; i < h; i++) {
				float[] v = new float[count(in, bytes / Float.BYTES, file,
					"values of a loss history entry")];
				for (int k = 0; k < v.length; k++)
					v[k] = in.readFloat();
				history.add(v);
			}
			if (magic == MAGIC) {
				int computed = (int) checked.getChecksum().getValue();
				if (in.readInt() != computed || in.read() != -1) throw damaged(file,
					"its checksum does not match its contents");
			}
			if (step < 0) throw damaged(file, "its step is " + step);
			if (!(lr > 0) || !Float.isFinite((float) lr) || (float) lr == 0)
				throw damaged(file, "its learning rate is " + lr +
					", not a positive float");
			return new Checkpoint(step, lr, sha, settings, tensors, history);
		}
		catch (EOFException e) {
			throw new GanException("checkpoint " + file + " is truncated", e);
		}
		catch (IOException e) {
			throw new GanException("cannot read checkpoint " + file + ": " + e
				.getMessage(), e);
		}
	}
}
