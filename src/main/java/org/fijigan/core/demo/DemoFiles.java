
package org.fijigan.core.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.batch.OutputFolderLock;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.demo.DemoReport.OutputImage;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.MoveInJournal;
import org.fijigan.core.io.StagingFolder;

/**
 * The demo's output folder: every image of the report as PNG, the contact sheet
 * and the metrics CSV, written as one set ({@link #write}): a demo that fails
 * or is stopped while writing leaves the folder as it was.
 */
public final class DemoFiles {

	public static final String CONTACT_SHEET = "contact-sheet.png";
	public static final String METRICS = "metrics.csv";
	/** The folder written when none is given, relative to the working folder. */
	public static final String DEFAULT_FOLDER = "fiji-gan-demo";
	/** What the demo moves in, for messages. */
	private static final MoveInJournal.Kind KIND = new MoveInJournal.Kind("demo",
		"the demo's files", "its files", "the earlier demo");

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
		private final List<String> notes;

		private Claim(Path dir, OutputFolderLock lock, boolean created,
			List<String> notes)
		{
			this.dir = dir;
			this.lock = lock;
			this.created = created;
			this.notes = List.copyOf(notes);
		}

		/** The folder, absolute. */
		public Path dir() {
			return dir;
		}

		/**
		 * What the user should know of the folder: an earlier demo put back that a
		 * demo killed while moving its files in left half-moved.
		 */
		public List<String> notes() {
			return notes;
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
	 * is created when absent, and removed again when the demo fails or is stopped
	 * before its files are moved in ({@link #write}).
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
		OutputFolderLock lock = OutputFolderLock.acquireCreating(dir,
			OutputFolderLock.Owner.of(command, "", "", Shard.ALL, ""));
		// a move-in a killed demo left half-done is undone before the folder is
		// looked at
		List<String> putBack;
		try {
			putBack = MoveInJournal.putBackKilled(dir, dir, KIND);
		}
		catch (RuntimeException e) {
			lock.close();
			throw e;
		}
		Claim claim = new Claim(dir, lock, created, putBack);
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
					howToOverwrite + " to write the demo into it anyway" + (putBack
						.isEmpty() ? "" : " (" + String.join("; ", putBack) + ")"));
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
	 * into {@code dir} (claimed by {@link #claim}; created here when absent) as
	 * one set: they are made in a hidden folder beside it ({@link StagingFolder})
	 * and moved in once all are made, the files they replace moved aside
	 * ({@link #METRICS} first) and deleted only once all are in; every other file
	 * in {@code dir} stays. A failure or cancellation while the files are made or
	 * moved in leaves {@code dir} as it was.
	 *
	 * @param sheet the rendered contact sheet, 8-bit or RGB;
	 *          {@code fiji-gan.demo*} properties saying what it is (and that its
	 *          generated panels are synthetic) are added to it
	 * @param codec writes the PNGs (their {@code fiji-gan.*} properties go into
	 *          text chunks)
	 * @param replace whether existing files may be replaced: without it, a demo
	 *          file that appeared since {@link #claim} found the folder empty is
	 *          kept and this method throws, writing nothing
	 * @param cancel checked before each file and before each rename of the
	 *          move-in
	 * @return the files written, in order
	 * @throws CancellationToken.CancelledException when cancelled (nothing of the
	 *           set is in {@code dir} then)
	 */
	public static List<Path> write(DemoReport report, RasterImage sheet, Path dir,
		ImageCodec codec, boolean replace, CancellationToken cancel)
	{
		sheet.properties().put("fiji-gan.demo",
			"contact sheet of fiji-gan demo, seed " + report.seed() +
				"; metrics in " + METRICS);
		if (report.rows().stream().flatMap(r -> r.groups().stream()).flatMap(g -> g
			.panels().stream()).anyMatch(DemoReport.Panel::synthetic)) sheet
				.properties().put("fiji-gan.demo.synthetic",
					"the panels marked SYNTHETIC were generated by a GAN, not acquired");
		List<OutputImage> images = new ArrayList<>(report.files());
		images.add(new OutputImage(CONTACT_SHEET, sheet));
		for (OutputImage f : images) {
			String problem = codec.cannotWrite(".png", f.image());
			if (problem != null) throw new GanException(problem);
		}
		cancel.throwIfCancelled();
		AtomicFile.createFolder(dir);
		Path staging = StagingFolder.beside(dir);
		try {
			List<String> names = new ArrayList<>();
			for (OutputImage f : images) {
				cancel.throwIfCancelled();
				AtomicFile.write(staging.resolve(f.fileName()), false, tmp -> codec
					.write(f.image(), ".png", tmp));
				names.add(f.fileName());
			}
			byte[] bytes = report.toCsv().getBytes(StandardCharsets.UTF_8);
			AtomicFile.writeStream(staging.resolve(METRICS), false, out -> out.write(
				bytes));
			names.add(METRICS);
			cancel.throwIfCancelled();
			return moveIn(staging, dir, names, replace, cancel);
		}
		finally {
			StagingFolder.delete(staging);
		}
	}

	/**
	 * Moves the files {@code names} (the last {@link #METRICS}) from
	 * {@code staging} into {@code dir} with a journal ({@link MoveInJournal}):
	 * the files they replace are moved aside (the earlier {@link #METRICS} first)
	 * and deleted only once every new file is in. A failed rename or a
	 * cancellation meanwhile puts the earlier files back in the run; a kill
	 * leaves them for the next demo on the folder to put back ({@link #claim}).
	 */
	private static List<Path> moveIn(Path staging, Path dir, List<String> names,
		boolean replace, CancellationToken cancel)
	{
		for (String name : names) {
			Path to = dir.resolve(name);
			if (Files.isDirectory(to, java.nio.file.LinkOption.NOFOLLOW_LINKS))
				throw new GanException("cannot write " + to + ": it is a folder; " +
					"nothing of the demo was written");
			if (!replace && Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS))
				throw new GanException(to + " appeared while the demo ran; it is " +
					"kept and nothing of the demo was written");
		}
		MoveInJournal.moveIn(dir, staging, List.of(METRICS), names, KIND, dir,
			cancel);
		List<Path> written = new ArrayList<>();
		for (String name : names)
			written.add(dir.resolve(name));
		return written;
	}
}
