
package org.fijigan.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.attribute.FileTime;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.batch.OutputFolderLock;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.CacheFolder;
import org.fijigan.core.io.FileIdentity;

/**
 * A {@code prepare-data} set made in a hidden folder beside its output folder
 * ({@code .NAME.HEX.tmp}) and put in place only once every file of it is
 * written: a run that fails or is killed half-way leaves the output folder as
 * it was. A new output folder is the hidden one renamed; into an existing one
 * (empty, or with {@code --overwrite}) the old files of the set's folders are
 * deleted and the new ones moved in. A hidden folder a killed run left is
 * removed by a later run once it has gone unchanged for an hour.
 */
final class StagedDataSet implements AutoCloseable {

	private final Path out, target, staging;
	private final boolean overwrite;
	private final List<String> folders;
	private final String glob, command;

	/**
	 * @param out the output folder, absolute, as {@code prepareOutput} checked it
	 * @param folders the folders (relative to {@code out}) the set fills
	 * @param glob the files of {@code folders} that {@code overwrite} deletes
	 * @param command the command, for the claim on the output folder
	 */
	private StagedDataSet(Path out, Path target, Path staging, boolean overwrite,
		List<String> folders, String glob, String command)
	{
		this.out = out;
		this.target = target;
		this.staging = staging;
		this.overwrite = overwrite;
		this.folders = folders;
		this.glob = glob;
		this.command = command;
	}

	static StagedDataSet begin(Path out, boolean overwrite, List<String> folders,
		String glob, String command)
	{
		try {
			// beside the folder itself where the output is a link to it, so that
			// the files move within one disk
			Path target = Files.isDirectory(out) ? out.toRealPath() : out;
			if (target.getParent() != null) {
				Files.createDirectories(target.getParent());
				removeStale(target);
			}
			Path staging = Files.createDirectory(AtomicFile.temporaryFor(target));
			return new StagedDataSet(out, target, staging, overwrite, folders, glob,
				command);
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
	 * folder does not exist, else (empty, or with {@code overwrite}) the PNGs or
	 * TIFFs of its folders deleted and the new files moved in, under a claim on
	 * the folder ({@link OutputFolderLock}): a run that writes there meanwhile
	 * (another {@code prepare-data}, a batch run) is refused, naming the other,
	 * and nothing of this set is written. The rename of a new folder needs no
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
				moveIn();
			}
		}
		catch (IOException e) {
			throw new GanException("cannot move the data set into " + out + ": " +
				AtomicFile.describe(e), e);
		}
	}

	/** Into the existing output folder, claimed: see {@link #commit}. */
	private void moveIn() throws IOException {
		if (!overwrite && !isEmpty(target)) throw new GanException(
			"output folder " + out + " was filled by someone else while the data " +
				"set was made; nothing of this run was written: choose another " +
				"folder, or pass --overwrite");
		if (overwrite) for (String f : folders) {
			Path sub = target.resolve(f);
			if (FileIdentity.linkBelow(target, sub) != null || !Files.isDirectory(
				sub)) continue;
			try (DirectoryStream<Path> s = Files.newDirectoryStream(sub, glob)) {
				for (Path p : s)
					Files.delete(p);
			}
		}
		List<Path> files;
		try (Stream<Path> s = Files.walk(staging)) {
			files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
				.sorted().toList();
		}
		for (Path f : files) {
			Path to = target.resolve(staging.relativize(f));
			Files.createDirectories(to.getParent());
			Files.move(f, to, StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
		}
		PrepareDataCommand.removeEmpty(target, folders);
	}

	/** Deletes the hidden folder, with what is left in it. */
	@Override
	public void close() {
		try {
			CacheFolder.deleteTree(staging);
		}
		catch (IOException e) {
			// a leftover is hidden, and removed by a later run
		}
	}

	private static boolean isEmpty(Path dir) throws IOException {
		try (DirectoryStream<Path> s = Files.newDirectoryStream(dir,
			p -> !OutputFolderLock.isClaimFile(p)))
		{
			return !s.iterator().hasNext();
		}
	}

	/**
	 * Deletes the hidden folders that runs killed while writing left beside
	 * {@code target}, once stale ({@link AtomicFile#isStale}: a younger one may
	 * be another run's at work).
	 */
	private static void removeStale(Path target) {
		String name = target.getFileName().toString();
		try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(target
			.getParent(), p -> AtomicFile.isTemporaryOf(p.getFileName().toString(),
				name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)))
		{
			for (Path p : leftovers)
				if (AtomicFile.isStale(p)) CacheFolder.deleteTree(p);
		}
		catch (IOException e) {
			// a leftover is hidden and harmless
		}
	}
}
