
package org.fijigan.core.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.batch.OutputFolderLock;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.demo.DemoReport.OutputImage;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;

/**
 * The demo's output folder: every image of the report as PNG, the contact sheet
 * and the metrics CSV. Each file is written atomically ({@link AtomicFile}): it
 * holds all of its content or is absent (or, with overwrite, unchanged).
 */
public final class DemoFiles {

	public static final String CONTACT_SHEET = "contact-sheet.png";
	public static final String METRICS = "metrics.csv";
	/** The folder written when none is given, relative to the working folder. */
	public static final String DEFAULT_FOLDER = "fiji-gan-demo";

	private DemoFiles() {}

	/**
	 * The demo's claim of its output folder ({@link OutputFolderLock}, as folder
	 * runs make theirs), held from before the demo runs until its files are
	 * written. Closing it drops the claim and removes the folder again if the
	 * claim created it and nothing was written into it.
	 */
	public static final class Claim implements AutoCloseable {

		private final Path dir;
		private final OutputFolderLock lock;
		private final boolean created;

		private Claim(Path dir, OutputFolderLock lock, boolean created) {
			this.dir = dir;
			this.lock = lock;
			this.created = created;
		}

		/** The folder, absolute. */
		public Path dir() {
			return dir;
		}

		@Override
		public void close() {
			lock.close();
			if (created) removeIfEmpty(dir);
		}
	}

	/**
	 * Checks the output folder and claims it for this demo before the demo runs:
	 * a demo or folder run that holds it (or a folder above or inside it) makes
	 * this fail at once, naming that run, with {@code overwrite} too. The folder
	 * is created when absent, and removed again when the demo fails (the claim is
	 * closed before anything is written).
	 *
	 * @param overwrite whether a folder that holds files may be written into (the
	 *          demo's files in it are replaced, others are left alone)
	 * @param howToOverwrite what the user does to allow it, e.g. "pass
	 *          --overwrite"
	 * @param command what the claim says this run is, e.g. "fiji-gan demo"
	 * @throws GanException when it is a file, is held by another run, holds
	 *           something and {@code overwrite} is false, or cannot be written
	 *           (or created)
	 */
	public static Claim claim(Path folder, boolean overwrite,
		String howToOverwrite, String command)
	{
		Path dir = folder.toAbsolutePath().normalize();
		String dangling = AtomicFile.danglingLink(dir);
		if (dangling != null) throw new GanException(dangling +
			"; the demo writes a folder");
		if (Files.exists(dir) && !Files.isDirectory(dir)) throw new GanException(
			dir + " is a file; the demo writes a folder");
		AtomicFile.requireWritableOrCreatable(dir);
		boolean created = !Files.isDirectory(dir);
		AtomicFile.createFolder(dir);
		OutputFolderLock lock;
		try {
			lock = OutputFolderLock.acquire(dir, OutputFolderLock.Owner.of(command,
				"", "", Shard.ALL, ""));
		}
		catch (RuntimeException e) {
			if (created) removeIfEmpty(dir);
			throw e;
		}
		Claim claim = new Claim(dir, lock, created);
		if (!overwrite) {
			boolean empty;
			try (Stream<Path> s = Files.list(dir)) {
				empty = s.allMatch(OutputFolderLock::isClaimFile);
			}
			catch (IOException | RuntimeException e) {
				claim.close();
				throw new GanException("cannot read " + dir + ": " +
					(e instanceof IOException io ? AtomicFile.describe(io) : e
						.getMessage()), e);
			}
			if (!empty) {
				claim.close();
				throw new GanException(dir + " exists and is not empty; " +
					howToOverwrite + " to write the demo into it anyway");
			}
		}
		return claim;
	}

	/** Deletes {@code dir} if it is empty; leaves it otherwise. */
	private static void removeIfEmpty(Path dir) {
		try {
			Files.deleteIfExists(dir);
		}
		catch (IOException e) {
			// not empty (or not ours to delete): left as it is
		}
	}

	/**
	 * Writes the report's images, {@link #CONTACT_SHEET} and {@link #METRICS}
	 * into {@code dir} (claimed by {@link #claim}; created here when absent).
	 *
	 * @param sheet the rendered contact sheet, 8-bit or RGB;
	 *          {@code fiji-gan.demo*} properties saying what it is (and that its
	 *          generated panels are synthetic) are added to it
	 * @param codec writes the PNGs (their {@code fiji-gan.*} properties go into
	 *          text chunks)
	 * @param replace whether existing files may be replaced: without it, a file
	 *          that appeared since {@link #claim} found the folder empty is kept
	 *          and this method throws before writing it
	 * @return the files written, in order
	 */
	public static List<Path> write(DemoReport report, RasterImage sheet, Path dir,
		ImageCodec codec, boolean replace)
	{
		AtomicFile.createFolder(dir);
		List<Path> written = new ArrayList<>();
		for (OutputImage f : report.files())
			written.add(png(f.image(), dir.resolve(f.fileName()), codec, replace));
		sheet.properties().put("fiji-gan.demo",
			"contact sheet of fiji-gan demo, seed " + report.seed() +
				"; metrics in " + METRICS);
		if (report.rows().stream().flatMap(r -> r.groups().stream()).flatMap(g -> g
			.panels().stream()).anyMatch(DemoReport.Panel::synthetic)) sheet
				.properties().put("fiji-gan.demo.synthetic",
					"the panels marked SYNTHETIC were generated by a GAN, not acquired");
		written.add(png(sheet, dir.resolve(CONTACT_SHEET), codec, replace));
		Path csv = dir.resolve(METRICS);
		byte[] bytes = report.toCsv().getBytes(StandardCharsets.UTF_8);
		AtomicFile.removeStaleTemporaries(csv);
		AtomicFile.writeStream(csv, replace, out -> out.write(bytes));
		written.add(csv);
		return written;
	}

	private static Path png(RasterImage image, Path file, ImageCodec codec,
		boolean replace)
	{
		String problem = codec.cannotWrite(".png", image);
		if (problem != null) throw new GanException(problem);
		AtomicFile.removeStaleTemporaries(file);
		AtomicFile.write(file, replace, tmp -> codec.write(image, ".png", tmp));
		return file;
	}
}
