
package org.fijigan.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.attribute.FileTime;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.batch.OutputFolderLock;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.dataset.VolumeSlicer.View;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.io.MoveInJournal;
import org.fijigan.core.io.StagingFolder;

/**
 * A {@code prepare-data} set made in a hidden folder beside its output folder
 * ({@code .NAME.HEX.tmp}) and put in place only once every file of it is
 * written: a run that fails or is killed half-way leaves the output folder as
 * it was. A new output folder is the hidden one renamed; into an existing one
 * (empty, or with {@code --overwrite}) the earlier set's files, of whichever
 * mode ({@link #earlierSetFolders}), are moved aside into the hidden folder,
 * the new ones moved in, and only then the old ones deleted, with a journal
 * ({@link MoveInJournal}): a move that fails is undone at once, and one a
 * killed run left half-done is undone by the next {@code prepare-data} run on
 * the folder ({@link #putBackKilled}), so the earlier set is never lost. A
 * hidden folder a killed run left is removed by a later run once it has gone
 * unchanged for an hour, unless it holds a journal.
 */
final class StagedDataSet implements AutoCloseable {

	/** What prepare-data moves in, for messages. */
	static final MoveInJournal.Kind KIND = new MoveInJournal.Kind("prepare-data",
		"the data set", "its set", "the earlier set");
	/** The files of a set's folders that are its images, whatever its mode. */
	static final String IMAGES = "*.{png,tif}";
	/** The splits a set may have. */
	private static final List<String> SPLITS = List.of(PrepareDataCommand.TRAIN,
		PrepareDataCommand.TEST, PrepareFluorescenceCommand.TUNE);
	/** The lists of point sources and of slices a set may have. */
	private static final List<String> CSVS = List.of(PrepareDataCommand.TRAIN +
		"/sources.csv", PrepareDataCommand.TEST + "/sources.csv",
		PrepareFluorescenceCommand.TUNE + "/sources.csv",
		PrepareBrainSlicesCommand.MANIFEST);
	/** The folders of slices in a split: an orientation, maybe with its bin. */
	private static final java.util.regex.Pattern CLASS_FOLDER =
		java.util.regex.Pattern.compile("(" + java.util.Arrays.stream(View.values())
			.map(View::folder).collect(java.util.stream.Collectors.joining("|")) +
			")(-[0-9]+)?");

	private final Path out, target, staging;
	private final boolean overwrite;
	private final List<String> folders;
	private final String command;
	private final PrintWriter notes;

	/**
	 * @param out the output folder, absolute, as {@code prepareOutput} checked it
	 * @param folders the folders (relative to {@code out}) the set fills
	 * @param command the command, for the claim on the output folder
	 * @param notes where a note on a killed run's set put back goes
	 */
	private StagedDataSet(Path out, Path target, Path staging, boolean overwrite,
		List<String> folders, String command, PrintWriter notes)
	{
		this.out = out;
		this.target = target;
		this.staging = staging;
		this.overwrite = overwrite;
		this.folders = folders;
		this.command = command;
		this.notes = notes;
	}

	static StagedDataSet begin(Path out, boolean overwrite, List<String> folders,
		String command, PrintWriter notes)
	{
		try {
			// beside the folder itself where the output is a link to it, so that
			// the files move within one disk
			Path target = Files.isDirectory(out) ? out.toRealPath() : out;
			if (target.getParent() != null) {
				Files.createDirectories(target.getParent());
				StagingFolder.removeStale(target);
			}
			Path staging = Files.createDirectory(AtomicFile.temporaryFor(target));
			return new StagedDataSet(out, target, staging, overwrite, folders,
				command, notes);
		}
		catch (IOException e) {
			throw new GanException("cannot prepare the output folder " + out + ": " +
				AtomicFile.describe(e), e);
		}
	}

	/** Where the file {@code relative} of the set is written. */
	Path file(String relative) {
		Path p = staging.resolve(relative);
		try {
			Files.createDirectories(p.getParent());
			// kept fresh, so that no later run takes it for a killed run's
			Files.setLastModifiedTime(staging, FileTime.fromMillis(System
				.currentTimeMillis()));
		}
		catch (IOException e) {
			throw new GanException("cannot write " + out.resolve(relative) + ": " +
				AtomicFile.describe(e), e);
		}
		return p;
	}

	void png(RasterImage image, String relative) {
		PrepareDataCommand.writePng(image, file(relative), false);
	}

	void tiff(RasterImage image, String relative) {
		PrepareDataCommand.writeTiff(image, file(relative), false);
	}

	/**
	 * Puts the finished set in place: the hidden folder renamed when the output
	 * folder does not exist, else (empty, or with {@code overwrite}) the earlier
	 * set deleted and the new files moved in, under a claim on the folder
	 * ({@link OutputFolderLock}): a run that writes there meanwhile (another
	 * {@code prepare-data}, a batch run) is refused, naming the other, and
	 * nothing of this set is written. A move-in a killed run left half-done is
	 * undone first ({@link #putBackKilled}). The rename of a new folder needs no
	 * claim: it is atomic, and fails when a folder with files appeared meanwhile
	 * (the set is then moved in as into an existing one).
	 */
	void commit() {
		PrepareDataCommand.removeEmpty(staging, folders);
		try {
			if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) try {
				Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
				return;
			}
			catch (IOException e) {
				if (!AtomicFile.isTaken(e, target)) throw e;
				// made meanwhile: moved into as an existing folder
			}
			try (OutputFolderLock claim = OutputFolderLock.acquire(out,
				OutputFolderLock.Owner.of(command, "", "", Shard.ALL, "")))
			{
				putBackKilled(out, target, notes);
				moveIn();
			}
		}
		catch (IOException e) {
			throw new GanException("cannot move the data set into " + out + ": " +
				AtomicFile.describe(e), e);
		}
	}

	/**
	 * Into the existing output folder, claimed: see {@link #commit}. The earlier
	 * set's files (with {@code overwrite}, the PNGs and TIFFs of the set's
	 * folders and of {@link #earlierSetFolders}, and its CSV lists; and any file
	 * a new file would replace) are moved aside into the hidden folder, the new
	 * ones moved in, and only then the journal deleted: up to that point a
	 * failure, or the next run after a kill, puts the earlier set back
	 * ({@link MoveInJournal}).
	 */
	private void moveIn() throws IOException {
		if (!overwrite && !isEmpty(target)) throw new GanException(
			"output folder " + out + " was filled by someone else while the data " +
				"set was made; nothing of this run was written: choose another " +
				"folder, or pass --overwrite");
		List<String> fresh;
		try (Stream<Path> s = Files.walk(staging)) {
			fresh = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
				.map(p -> MoveInJournal.relative(staging, p)).sorted().toList();
		}
		Set<String> earlier = new LinkedHashSet<>();
		List<String> emptied = new ArrayList<>(folders);
		if (overwrite) {
			for (String f : earlierSetFolders(target))
				if (!emptied.contains(f)) emptied.add(f);
			for (String f : emptied) {
				Path sub = target.resolve(f);
				if (FileIdentity.linkBelow(target, sub) != null || !Files.isDirectory(
					sub)) continue;
				try (DirectoryStream<Path> s = Files.newDirectoryStream(sub, IMAGES)) {
					for (Path p : s)
						if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) earlier.add(
							MoveInJournal.relative(target, p));
				}
			}
			for (String csv : CSVS)
				if (Files.isRegularFile(target.resolve(csv),
					LinkOption.NOFOLLOW_LINKS) && FileIdentity.linkBelow(target, target
						.resolve(csv)) == null) earlier.add(csv);
		}
		// a file the set replaces (sources.csv) is kept aside as well
		MoveInJournal.moveIn(target, staging, earlier, fresh, KIND, out,
			CancellationToken.none());
		// deepest first, so that noisy/ goes once noisy/test/ has
		emptied.sort(java.util.Comparator.comparingInt((String f) -> f.split(
			"/").length).reversed());
		emptied.addAll(List.of(PrepareFluorescenceCommand.NOISY,
			PrepareFluorescenceCommand.TUNE));
		PrepareDataCommand.removeEmpty(target, emptied);
	}

	/**
	 * The folders below {@code target} that an earlier set of any
	 * {@code prepare-data} mode may have filled, and that exist (as a folder, or
	 * a link): {@code train/}, {@code test/}, {@code tune/}, their orientation
	 * and class folders ({@code axial}, {@code axial-2}, ...), and
	 * {@code noisy/SPLIT}. Their PNGs and TIFFs are the earlier set
	 * ({@link #IMAGES}); with {@code --overwrite} they go, so that no image of
	 * another set stays beside the new one. Nothing is listed through a link: the
	 * run refuses one ({@code checkOutput}), and the move skips it.
	 */
	static List<String> earlierSetFolders(Path target) {
		List<String> found = new ArrayList<>();
		for (String split : SPLITS) {
			for (String f : List.of(split, PrepareFluorescenceCommand.NOISY + "/" +
				split))
				if (Files.isDirectory(target.resolve(f))) found.add(f);
			Path p = target.resolve(split);
			if (!Files.isDirectory(p) || FileIdentity.linkBelow(target, p) != null)
				continue;
			try (DirectoryStream<Path> s = Files.newDirectoryStream(p, c -> Files
				.isDirectory(c) && CLASS_FOLDER.matcher(c.getFileName().toString())
					.matches()))
			{
				for (Path c : s)
					found.add(split + "/" + c.getFileName());
			}
			catch (IOException | java.nio.file.DirectoryIteratorException e) {
				// an unreadable folder: its images cannot be moved either, and the
				// move says why
			}
		}
		found.sort(null);
		return found;
	}

	/**
	 * Undoes the move-ins that runs killed while moving their set into
	 * {@code out} left half-done (a hidden folder beside it with a journal), so
	 * that the folder holds its earlier set again, saying so on {@code notes};
	 * called before a {@code prepare-data} run looks at or writes the folder.
	 * Done under a claim on the folder; while a live run holds it, left to the
	 * run's own move-in ({@link #commit}).
	 */
	static void putBackKilled(Path out, PrintWriter notes) {
		if (!Files.isDirectory(out)) return;
		Path target;
		try {
			target = out.toRealPath();
		}
		catch (IOException e) {
			return; // the run's own checks say why the folder cannot be used
		}
		if (MoveInJournal.killed(target).isEmpty()) return;
		OutputFolderLock claim;
		try {
			claim = OutputFolderLock.acquire(out, OutputFolderLock.Owner.of(
				"prepare-data", "", "", Shard.ALL, ""));
		}
		catch (GanException heldByALiveRun) {
			return;
		}
		try (claim) {
			putBackKilled(out, target, notes);
		}
	}

	/** As {@link #putBackKilled(Path, PrintWriter)}, the folder claimed. */
	private static void putBackKilled(Path out, Path target, PrintWriter notes) {
		for (String note : MoveInJournal.putBackKilled(target, out, KIND)) {
			notes.println("note: " + note);
			notes.flush();
		}
	}

	/**
	 * Deletes the hidden folder, with what is left in it; one with a journal (a
	 * move-in that failed and could not be undone) is kept for the next run to
	 * put back.
	 */
	@Override
	public void close() {
		StagingFolder.delete(staging);
	}

	private static boolean isEmpty(Path dir) throws IOException {
		try (DirectoryStream<Path> s = Files.newDirectoryStream(dir,
			p -> !OutputFolderLock.isClaimFile(p)))
		{
			return !s.iterator().hasNext();
		}
	}
}
