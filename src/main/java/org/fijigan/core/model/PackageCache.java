package org.fijigan.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;

/**
 * bioimage.io packages ({@code .zip}) unpacked once per content hash under the temp folder
 * ({@code fiji-gan-models/HASH}) and reused by every later load of the same bytes. A folder counts
 * as unpacked only once its {@code .complete} marker exists; a package that fails its checks is
 * deleted again. Unpacking is serialised within this JVM.
 */
final class PackageCache {
	private PackageCache() {}

	/** The package's descriptor, unpacked now or earlier, checked against its SHA-256 sums. */
	static BioImageModel open(Path zip) {
		Path dir = extractionDir(zip);
		if (Files.exists(dir.resolve(".complete"))) {
			BioImageModel rdf = BioImageRdf.read(ModelReference.rdfIn(unpackedFolder(dir)));
			rdf.verifySha256(); // the unpacked copy sits in a shared temp folder: check it again
			return rdf;
		}
		return extract(zip, dir);
	}

	/**
	 * Packages are unpacked once per content hash under the temp folder and reused. The folder
	 * holding them must belong to this user and be writable by no one else (it is created so): on a
	 * shared machine another user could otherwise plant a model under a package's hash.
	 */
	private static Path extractionDir(Path zip) {
		Path root = Path.of(System.getProperty("java.io.tmpdir"), "fiji-gan-models");
		try {
			if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
				try {
					if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) Files.createDirectory(root,
						java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions
							.fromString("rwx------")));
					else Files.createDirectory(root);
				}
				catch (java.nio.file.FileAlreadyExistsException e) {
					// made by a concurrent load: checked below like any other
				}
			}
			if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				Path mine = Files.createTempFile("fiji-gan-owner", ".tmp");
				try {
					var attrs = Files.readAttributes(root, java.nio.file.attribute.PosixFileAttributes.class,
						java.nio.file.LinkOption.NOFOLLOW_LINKS);
					var perms = attrs.permissions();
					if (!attrs.isDirectory() || !attrs.owner().equals(Files.getOwner(mine)) || perms.contains(
						java.nio.file.attribute.PosixFilePermission.GROUP_WRITE) || perms.contains(
							java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) throw new GanException("cannot unpack " +
								zip + ": " + root + " is not a private folder of this user; remove it, or point java.io.tmpdir " +
								"at a private folder");
				}
				finally {
					Files.deleteIfExists(mine);
				}
			}
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + " under " + root + ": " + e.getMessage(), e);
		}
		return root.resolve(ModelLoader.sha256(zip).substring(0, 16)).toAbsolutePath().normalize();
	}

	private static synchronized BioImageModel extract(Path zip, Path dir) {
		try {
			if (Files.exists(dir)) deleteTree(dir);
			BioImageModel m = BioImageRdf.readPackage(zip, dir);
			m.verifySha256();
			// The marker names the descriptor's folder inside dir ("" at the top, "pkg" for one top folder).
			Files.writeString(dir.resolve(".complete"), dir.relativize(m.folder().toAbsolutePath().normalize())
				.toString());
			return m;
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + ": " + e.getMessage(), e);
		}
		catch (GanException e) {
			try {
				deleteTree(dir);
			}
			catch (IOException ignored) {
				// best effort
			}
			throw e;
		}
	}

	/** The folder holding the descriptor of a package unpacked earlier into {@code dir}. */
	private static Path unpackedFolder(Path dir) {
		try {
			String relative = Files.readString(dir.resolve(".complete")).strip();
			Path folder = dir.resolve(relative).normalize();
			if (!folder.startsWith(dir)) throw new GanException(dir + " is damaged; remove it and load the package again");
			return folder;
		}
		catch (IOException | java.nio.file.InvalidPathException e) {
			throw new GanException("cannot read " + dir.resolve(".complete") + ": " + e.getMessage(), e);
		}
	}

	private static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (var s = Files.walk(dir)) {
			for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
	}
}
