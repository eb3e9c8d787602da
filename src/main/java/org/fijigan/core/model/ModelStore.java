
package org.fijigan.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.core.model.bioimage.DescriptorFile;

/**
 * A models folder: one sub-folder per model, holding either a bioimage.io
 * {@code rdf.yaml} with its files or a single {@value #ONNX_FILE}. When the
 * store is {@link ModelLoader#modelsDir()} (the launcher's {@code models/}, or
 * {@code FIJI_GAN_MODELS}), {@code --model NAME} loads an installed model by
 * its folder name.
 * <p>
 * Installing is atomic: everything is first copied, downloaded or unpacked into
 * a hidden folder in the store ({@code .NAME.installing-HEX}), checked, and
 * only then renamed to {@code NAME}; after a failure (a checksum mismatch, a
 * damaged package, a cancelled download) nothing is installed and no temporary
 * file is left. Removing deletes only a model installed here (bundled ones, and
 * folders put in by hand, are left alone) and renames the folder away first, so
 * a half-deleted model never answers to its name. Names are single path
 * segments; nothing outside the store is ever written or deleted. Not safe for
 * two processes installing the same name at once (the second fails).
 */
public final class ModelStore {

	/** The file name of an ONNX model installed without a descriptor. */
	public static final String ONNX_FILE = "model.onnx";
	/**
	 * The file {@link #install} leaves in each model folder it makes: what tells
	 * a model installed here, which {@link #remove} deletes, from a bundled model
	 * (or one put in the folder by hand), which it leaves alone.
	 */
	public static final String INSTALLED_MARK = ".fiji-gan-installed";
	/** Lines of the model card {@link #list()} returns. */
	public static final int CARD_LINES = 3;
	/** Largest download {@link #ModelStore(Path)} accepts: 4 GiB. */
	public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 4L << 30;

	/** Most characters a model's name holds. */
	public static final int MAX_NAME_LENGTH = 128;
	private static final Pattern NAME = Pattern.compile(
		"[A-Za-z0-9][A-Za-z0-9._+-]*");
	private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

	private final Path root;
	private final long maxDownloadBytes;

	public ModelStore(Path root) {
		this(root, DEFAULT_MAX_DOWNLOAD_BYTES);
	}

	/**
	 * @param maxDownloadBytes a larger download is refused (from its
	 *          Content-Length, or when it gets there)
	 */
	public ModelStore(Path root, long maxDownloadBytes) {
		if (root == null) throw new GanException("no models folder given");
		if (maxDownloadBytes < 1) throw new IllegalArgumentException(
			"maxDownloadBytes " + maxDownloadBytes);
		this.root = root.toAbsolutePath().normalize();
		this.maxDownloadBytes = maxDownloadBytes;
	}

	/**
	 * The store at {@link ModelLoader#modelsDir()}, where {@code --model NAME}
	 * looks.
	 */
	public static ModelStore standard() {
		return new ModelStore(ModelLoader.modelsDir());
	}

	public Path root() {
		return root;
	}

	/**
	 * The installed models by name; a folder that cannot be read is listed with
	 * its problem. None when the models folder does not exist.
	 *
	 * @throws GanException when the models folder is a file or cannot be read,
	 *           naming it and the problem
	 */
	public List<InstalledModel> list() {
		List<InstalledModel> models = new ArrayList<>();
		String problem = folderProblem(root);
		if (problem != null) throw new GanException("the models folder " + root +
			" " + problem);
		if (!Files.isDirectory(root)) return models;
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
			for (Path p : ds) {
				String name = p.getFileName().toString();
				if (name.startsWith(".") || !Files.isDirectory(p)) continue;
				InstalledModel m = describe(name, p);
				if (m == null) m = unreadable(name, p);
				if (m != null) models.add(m);
			}
		}
		catch (IOException e) {
			throw new GanException("cannot list the models folder " + root + ": " +
				reason(e), e);
		}
		models.sort(Comparator.comparing(InstalledModel::name));
		return models;
	}

	/**
	 * Installs a model from a folder holding an rdf.yaml, an {@code .onnx} file,
	 * a bioimage.io {@code .zip}, or an http(s) URL of either file. Runs on the
	 * caller's thread; a download reports {@code download} progress events in
	 * bytes and checks {@code cancellation} between chunks.
	 *
	 * @param name the model's name in the store, or null for one made from the
	 *          source's file name
	 * @param sha256 when given, the SHA-256 (hex) of the source file (of the ONNX
	 *          weights for a folder); a descriptor's own checksum is checked too
	 * @throws GanException when the source cannot be read, the checksum differs,
	 *           or the name is taken; nothing is installed then
	 */
	public InstalledModel install(String source, String name, String sha256,
		ProgressListener progress, CancellationToken cancellation)
	{
		if (source == null || source.isBlank()) throw new GanException(
			"no model to install given");
		if (sha256 != null && sha256.isBlank()) sha256 = null;
		if (sha256 != null && !SHA256.matcher(sha256.trim()).matches())
			throw new GanException("--sha256 '" + sha256 +
				"' is not 64 hexadecimal digits");
		String expected = sha256 == null ? null : sha256.trim().toLowerCase(
			Locale.ROOT);
		ProgressListener listener = ProgressListener.safe(progress);
		CancellationToken token = cancellation == null ? CancellationToken.none()
			: cancellation;
		String s = source.trim();
		String lower = s.toLowerCase(Locale.ROOT);
		if (name != null) checkName(name);
		if (lower.startsWith("http://") || lower.startsWith("https://")) {
			createRoot();
			removeStaleStaging();
			URI uri = ModelDownload.uri(s);
			String fileName = ModelDownload.lastSegment(uri);
			Path download = root.resolve(".download-" + hex() + ".tmp");
			try {
				String actual = ModelDownload.download(uri, download, maxDownloadBytes,
					listener, token);
				if (expected != null && !expected.equals(actual)) throw mismatch(s,
					actual, expected);
				return installFile(download, fileName, name == null ? defaultName(
					fileName) : name, null, true);
			}
			catch (GanException e) {
				// the package's checks name the file they read: the hidden download,
				// already deleted when the message is read, not the URL given
				throw inSource(e, download, s);
			}
			finally {
				deleteQuietly(download);
			}
		}
		if (lower.matches("[a-z][a-z0-9+.-]*://.*")) throw new GanException(
			"cannot install from " + s +
				": only http:// and https:// URLs, folders and files are supported");
		Path path = Path.of(s).toAbsolutePath().normalize();
		if (!Files.exists(path)) throw new GanException(
			"model to install not found: " + path);
		String fileName = path.getFileName().toString();
		String fl = fileName.toLowerCase(Locale.ROOT);
		if (Files.isRegularFile(path) && (fl.endsWith(".yaml") || fl.endsWith(
			".yml")))
		{
			refuseOtherDescriptor(path);
			path = path.getParent();
			fileName = path.getFileName().toString();
		}
		if (Files.isDirectory(path) && (FileIdentity.isInside(root, path) ||
			FileIdentity.isInside(path, root))) throw new GanException(
				"the models folder " + root + " and the model folder " + path +
					" lie one in the other: install into another models folder");
		createRoot();
		removeStaleStaging();
		if (Files.isDirectory(path)) return installFolder(path, name == null
			? defaultName(fileName) : name, expected);
		return installFile(path, fileName, name == null ? defaultName(fileName)
			: name, expected, false);
	}

	/**
	 * Refuses a descriptor file given to {@link #install} that is not the one its
	 * folder is read by ({@link DescriptorFile}): the folder is installed, and
	 * the copy was read by that rule, so {@code v2.bioimageio.yaml} beside an
	 * {@code rdf.yaml} installed the model rdf.yaml describes, and a file named
	 * outside the rule was said to be missing.
	 */
	private static void refuseOtherDescriptor(Path descriptor) {
		String given = descriptor.getFileName().toString();
		Optional<Path> chosen = DescriptorFile.in(descriptor.getParent());
		if (chosen.isPresent() && chosen.get().getFileName().toString().equals(
			given)) return;
		throw new GanException("cannot install " + descriptor + ": " + (chosen
			.isEmpty() ? "bioimage.io reads a folder's descriptor from " +
				DescriptorFile.LOOKED_FOR + ", so its folder would not be read as " +
				"a model once installed; rename it to rdf.yaml"
				: "its folder is installed, and read by the bioimage.io rule its " +
					"descriptor is " + chosen.get().getFileName() + ", not " + given +
					"; put " + given + " and its files in a folder of their own to " +
					"install it"));
	}

	/**
	 * Deletes the folder of a model {@link #install} installed (it holds
	 * {@value #INSTALLED_MARK}); a bundled model, or one put in the folder by
	 * hand, is refused.
	 *
	 * @throws GanException for a name that is not a single path segment, that is
	 *           not installed, whose folder holds neither a descriptor nor a
	 *           {@value #ONNX_FILE}, or that {@link #install} did not install
	 */
	public void remove(String name) {
		checkName(name);
		Path folder = root.resolve(name);
		if (!folder.normalize().getParent().equals(root)) throw new GanException(
			"'" + name + "' is not a name in " + root);
		if (Files.isSymbolicLink(folder)) throw new GanException(folder +
			" is a link, not a model installed here; remove it by hand");
		if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS))
			throw noSuchModel(name, null);
		if (modelFile(folder) == null) throw !Files.isDirectory(folder,
			LinkOption.NOFOLLOW_LINKS) ? noSuchModel(name, null) : new GanException(
				folder + " holds no bioimage.io descriptor and no " + ONNX_FILE +
					", so it is not a model installed here; remove it by hand");
		if (!Files.isRegularFile(folder.resolve(INSTALLED_MARK),
			LinkOption.NOFOLLOW_LINKS))
		{
			if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS))
				throw noSuchModel(name, null); // removed meanwhile
			throw new GanException("model '" + name + "' in " + root +
				" was not installed by this version's 'models install' (it is bundled with fiji-gan, was installed by an earlier version, or was put there by hand), so it is not removed; delete " +
				folder + " by hand if you mean to");
		}
		Path away = root.resolve("." + name + ".removing-" + hex());
		try {
			Files.move(folder, away, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (java.nio.file.NoSuchFileException e) {
			// removed meanwhile by another process
			throw noSuchModel(name, e);
		}
		catch (IOException e) {
			throw new GanException("cannot remove " + folder +
				" from the models folder " + root + ": " + reason(e), e);
		}
		try {
			deleteTree(away);
		}
		catch (IOException e) {
			throw new GanException("cannot remove " + folder +
				" from the models folder " + root + ": " + reason(e), e);
		}
	}

	/** @param cause the file system's report, or null */
	private GanException noSuchModel(String name, Throwable cause) {
		return new GanException("no model called '" + name + "' in " + root +
			installedHint(), cause);
	}

	/**
	 * @throws GanException unless {@code name} is a plain name (letters, digits,
	 *           {@code . _ + -}) of at most {@link #MAX_NAME_LENGTH} characters,
	 *           naming what is wrong with it
	 */
	public static String checkName(String name) {
		if (name == null || !NAME.matcher(name).matches()) throw new GanException(
			"model name '" + name +
				"' must start with a letter or digit and hold only letters, digits, '.', '_', '+' and '-'");
		if (name.length() > MAX_NAME_LENGTH) throw new GanException("model name '" +
			name.substring(0, 16) + "...' is " + name.length() +
			" characters long; a model name holds at most " + MAX_NAME_LENGTH);
		return name;
	}

	private InstalledModel installFolder(Path folder, String name,
		String expected)
	{
		Path target = free(name);
		Path staging = staging(name);
		try {
			copyTree(folder, staging);
			BioImageModel model = BioImageRdf.read(rdfIn(staging, folder));
			model.verifySha256();
			BioImageRdf.verifyChecksums(rdfIn(staging, folder), model.onnxWeights());
			if (expected != null) {
				String actual = ModelLoader.sha256(model.onnxWeights());
				if (!expected.equals(actual)) throw mismatch("the ONNX weights " +
					staging.relativize(model.onnxWeights()) + " in " + folder, actual,
					expected);
			}
			checkLoads(model.onnxWeights(), folder.getFileName().toString());
			return commit(staging, target);
		}
		catch (GanException e) {
			throw inSource(e, staging, folder.toString());
		}
		finally {
			deleteQuietly(staging);
		}
	}

	/**
	 * {@code e} with the path of a hidden file of the store (the staging folder,
	 * or a download) replaced by the source's, which the user knows.
	 */
	private static GanException inSource(GanException e, Path hidden,
		String source)
	{
		String m = e.getMessage();
		if (m == null || !m.contains(hidden.toString())) return e;
		return new GanException(m.replace(hidden.toString(), source), e);
	}

	/**
	 * @param downloaded whether {@code file} is a download, saved in the store
	 *          under a temporary name: it has no folder of its own, so external
	 *          data it names would be looked up among the store's other models
	 */
	private InstalledModel installFile(Path file, String fileName, String name,
		String expected, boolean downloaded)
	{
		// before anything opens it: a named pipe would block, a device never end
		InputFile.refuseSpecial(file, "model");
		if (expected != null) {
			String actual = ModelLoader.sha256(file);
			if (!expected.equals(actual)) throw mismatch(fileName, actual, expected);
		}
		Path target = free(name);
		Path staging = staging(name);
		try {
			if (isZip(file)) {
				BioImageModel model = BioImageRdf.readPackage(file, staging);
				model.verifySha256();
				BioImageRdf.verifyChecksums(rdfIn(model.folder(), file), model
					.onnxWeights());
				checkLoads(model.onnxWeights(), fileName);
				return commit(model.folder(), target);
			}
			if (fileName.toLowerCase(Locale.ROOT).endsWith(".zip"))
				throw new GanException(fileName +
					" is no ZIP archive (damaged, cut short, or not a .zip)");
			Files.copy(file, staging.resolve(ONNX_FILE));
			OnnxGraphInfo graph;
			try {
				graph = OnnxGraphInfo.read(staging.resolve(ONNX_FILE));
			}
			catch (GanException e) {
				throw new GanException(fileName +
					" is neither an ONNX model nor a bioimage.io .zip: " + e.getMessage(),
					e);
			}
			if (downloaded && !graph.externalDataLocations().isEmpty())
				throw new GanException(fileName +
					" was not installed: it keeps weights in external data files " + graph
						.externalDataLocations() +
					", which a download does not bring; download them beside it and install the folder's .onnx file, or install a bioimage.io .zip that holds them");
			refuseReservedNames(fileName, graph.externalDataLocations());
			// by its own name, beside its external data (the same bytes as the copy)
			checkLoads(file, graph, fileName);
			copyExternalData(file, graph.externalDataLocations(), staging);
			return commit(staging, target);
		}
		catch (IOException e) {
			throw new GanException("cannot install " + fileName +
				" into the models folder " + root + ": " + reason(e), e);
		}
		catch (GanException e) {
			throw inSource(e, staging, fileName);
		}
		finally {
			deleteQuietly(staging);
		}
	}

	/**
	 * Refuses external data at a name the installed folder gives its own meaning:
	 * {@value #ONNX_FILE}, which the model itself is installed as, a name
	 * {@link DescriptorFile} would take for a bioimage.io descriptor, which would
	 * make the folder read as one, or {@value #INSTALLED_MARK}, which the install
	 * writes its mark over (the weights were overwritten, and the model ran with
	 * garbage).
	 *
	 * @param fileName the model's file name, for the message
	 */
	private static void refuseReservedNames(String fileName,
		List<String> locations)
	{
		for (String location : locations) {
			Path p;
			try {
				p = Path.of(location).normalize();
			}
			catch (java.nio.file.InvalidPathException e) {
				continue; // the file checks refuse it
			}
			if (p.getNameCount() != 1) continue;
			String n = p.toString();
			String why = n.equals(ONNX_FILE)
				? "the name the model itself is installed under" : n.equals(
					INSTALLED_MARK) ? "the name that marks a model 'models install' " +
						"installed" : DescriptorFile.choose(List.of(n)).isPresent()
							? "a name that marks a bioimage.io descriptor" : null;
			if (why != null) throw new GanException(fileName +
				" was not installed: its external data file '" + location + "' has " +
				why + " in the models folder; rename the data file, and the location " +
				"the model names, before installing it");
		}
	}

	/**
	 * Copies the external-data files of the ONNX model {@code source}, which
	 * {@link #checkLoads} found inside its folder, beside the copy of it in
	 * {@code staging}, at the same relative paths.
	 */
	private static void copyExternalData(Path source, List<String> locations,
		Path staging) throws IOException
	{
		for (String location : locations) {
			Path to = staging.resolve(location).normalize();
			Files.createDirectories(to.getParent());
			Files.copy(source.toAbsolutePath().getParent().resolve(location), to);
		}
	}

	/**
	 * The checks a model meets when it is used, made before it is installed: the
	 * file checks and a session of ONNX Runtime on the CPU, so that a model that
	 * cannot run is not installed as if it could.
	 *
	 * @param what the source, as the user named it, for the message
	 */
	private static void checkLoads(Path onnx, String what) {
		OnnxGraphInfo graph;
		try {
			graph = OnnxGraphInfo.read(onnx);
		}
		catch (GanException e) {
			throw new GanException(what + " was not installed: " + e.getMessage(), e);
		}
		checkLoads(onnx, graph, what);
	}

	/** As {@link #checkLoads(Path, String)}, of a graph already read. */
	private static void checkLoads(Path onnx, OnnxGraphInfo graph, String what) {
		try {
			ModelFileChecks.check(onnx, graph);
			String why = ModelLoader.whyNotLoadable(onnx);
			if (why != null) throw new GanException(why);
		}
		catch (GanException e) {
			throw new GanException(what + " was not installed: " + e.getMessage(), e);
		}
	}

	/** What {@link #commit} writes into {@value #INSTALLED_MARK}. */
	private static final String MARK_TEXT =
		"Installed with 'fiji-gan models install' (or Manage Models): " +
			"'models remove' deletes this folder.\n";

	private InstalledModel commit(Path folder, Path target) {
		Path mark = folder.resolve(INSTALLED_MARK);
		if (Files.exists(mark, LinkOption.NOFOLLOW_LINKS) && !isMark(mark))
			throw new GanException("cannot install into " + target + ": the model " +
				"holds a file named '" + INSTALLED_MARK + "', the name that marks a " +
				"model 'models install' installed, which would be written over; " +
				"rename it, and whatever names it, before installing");
		try {
			Files.writeString(mark, MARK_TEXT, StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new GanException("cannot install into " + target + ": " + reason(e),
				e);
		}
		try {
			Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			if (AtomicFile.isTaken(e, target)) throw taken(target); // by another
																															// install
			throw new GanException("cannot install into " + target + ": " + reason(e),
				e);
		}
		return describe(target.getFileName().toString(), target);
	}

	private static GanException mismatch(String what, String actual,
		String expected)
	{
		return new GanException(what + " has SHA-256 " + actual + " but " +
			expected +
			" was expected: it is damaged or not the published file; nothing was installed");
	}

	private InstalledModel describe(String name, Path folder) {
		Path file = modelFile(folder);
		if (file == null) return null;
		if (file.getFileName().toString().equals(ONNX_FILE))
			return new InstalledModel(name, folder, "onnx", name, "", card(folder
				.resolve("README.md")), null);
		try {
			BioImageModel m = BioImageRdf.read(file);
			Path doc = m.documentation() != null ? m.documentation() : folder.resolve(
				"README.md");
			return new InstalledModel(name, folder, "bioimage.io", m.name(), m
				.description().strip(), card(doc), null);
		}
		catch (GanException e) {
			return new InstalledModel(name, folder, "bioimage.io", name, "", List
				.of(), e.getMessage());
		}
	}

	/**
	 * A folder in the store that cannot be listed (no permission), so whether it
	 * holds a model is not known: listed with that problem, of format "?". Null
	 * for a folder that lists.
	 */
	private static InstalledModel unreadable(String name, Path folder) {
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
			return null;
		}
		catch (IOException e) {
			return new InstalledModel(name, folder, "?", name, "", List.of(), reason(
				e));
		}
	}

	/**
	 * Why {@code dir} cannot be looked into: "is a file, not a folder", or
	 * "cannot be read: " and the file system's reason ("permission denied"); null
	 * when it is a folder that lists, or when nothing is there.
	 */
	static String folderProblem(Path dir) {
		java.nio.file.attribute.BasicFileAttributes a;
		try {
			a = Files.readAttributes(dir,
				java.nio.file.attribute.BasicFileAttributes.class);
		}
		catch (java.nio.file.NoSuchFileException e) {
			return null;
		}
		catch (IOException e) {
			return "cannot be read: " + reason(e);
		}
		if (!a.isDirectory()) return "is a file, not a folder";
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
			return null;
		}
		catch (IOException e) {
			return "cannot be read: " + reason(e);
		}
	}

	/**
	 * The descriptor (by {@link DescriptorFile}'s rule) or model.onnx that makes
	 * {@code folder} a model, or null.
	 */
	static Path modelFile(Path folder) {
		if (!Files.isDirectory(folder)) return null;
		try {
			Optional<Path> rdf = DescriptorFile.in(folder);
			if (rdf.isPresent()) return rdf.get();
		}
		catch (GanException e) { // unreadable: at most its model.onnx counts
		}
		return Files.isRegularFile(folder.resolve(ONNX_FILE)) ? folder.resolve(
			ONNX_FILE) : null;
	}

	private static Path rdfIn(Path staging, Path source) {
		return DescriptorFile.in(staging).orElseThrow(() -> new GanException(
			"folder " + source + " holds no bioimage.io descriptor (looked for " +
				DescriptorFile.LOOKED_FOR +
				"); to install a bare model, give its .onnx file"));
	}

	/** Bytes of a model card read at most, looking for its first lines. */
	static final int CARD_BYTES = 1 << 20;

	/** Bytes of one card line kept; the rest of a longer line is left out. */
	static final int CARD_LINE_BYTES = 1024;

	/**
	 * The first {@link #CARD_LINES} non-blank lines of a Markdown file, headings'
	 * '#' removed, each at most {@link #CARD_LINE_BYTES} bytes (a longer one is
	 * cut, with "..."), from its first {@link #CARD_BYTES} bytes: a huge card (a
	 * single line of hundreds of megabytes, an inline image) is never held whole,
	 * and the lines after a long one are still read.
	 */
	private static List<String> card(Path markdown) {
		if (markdown == null || !Files.isRegularFile(markdown)) return List.of();
		List<String> lines = new ArrayList<>();
		try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(
			markdown)))
		{
			java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
			boolean cut = false;
			for (int read = 0, b; lines.size() < CARD_LINES &&
				read <= CARD_BYTES; read++)
			{
				b = in.read();
				if (b >= 0 && b != '\n') {
					if (line.size() < CARD_LINE_BYTES) line.write(b);
					else cut = true;
					continue;
				}
				String text = cardLine(line.toByteArray(), cut);
				if (text == null) return List.of(); // not UTF-8 text
				if (!text.isEmpty()) lines.add(text);
				line.reset();
				cut = false;
				if (b < 0) break;
			}
		}
		catch (IOException e) {
			return List.of();
		}
		return List.copyOf(lines);
	}

	/**
	 * One card line, its heading marks removed and stripped, with "..." where it
	 * was {@code cut} (its last, partial character dropped); null where it is no
	 * UTF-8.
	 */
	private static String cardLine(byte[] bytes, boolean cut) {
		int n = bytes.length;
		if (cut && n > 0) { // a character the cut fell in is left out
			int start = n - 1;
			while (start > 0 && (bytes[start] & 0xc0) == 0x80)
				start--;
			int lead = bytes[start] & 0xff, length = lead < 0x80 ? 1 : lead >= 0xf0
				? 4 : lead >= 0xe0 ? 3 : 2;
			if (start + length > n) n = start;
		}
		try {
			String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(
				java.nio.charset.CodingErrorAction.REPORT).onUnmappableCharacter(
					java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer
						.wrap(bytes, 0, n)).toString().replaceFirst("^#+\\s*", "").strip();
			return cut && !text.isEmpty() ? text + "..." : text;
		}
		catch (java.nio.charset.CharacterCodingException e) {
			return null;
		}
	}

	private Path free(String name) {
		Path target = root.resolve(name);
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw taken(target);
		return target;
	}

	private GanException taken(Path target) {
		return new GanException("a model called '" + target.getFileName() +
			"' is already installed in " + root +
			"; remove it first or choose another name");
	}

	/** Hidden leftovers older than this are an interrupted install's. */
	static final java.time.Duration STALE = java.time.Duration.ofHours(1);

	/**
	 * Deletes what an install killed before its cleanup left in the store (its
	 * hidden staging folder or download), once it is older than {@link #STALE}: a
	 * younger one may be another install at work.
	 */
	private void removeStaleStaging() {
		java.util.regex.Pattern leftover = java.util.regex.Pattern.compile(
			"\\..+\\.(installing|removing)-[0-9a-f]+|\\.download-[0-9a-f]+\\.tmp");
		long before = System.currentTimeMillis() - STALE.toMillis();
		try (java.util.stream.Stream<Path> s = Files.list(root)) {
			for (Path p : s.filter(p -> leftover.matcher(p.getFileName().toString())
				.matches()).toList())
				if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)
					.toMillis() < before) deleteQuietly(p);
		}
		catch (IOException e) {
			// left for a later install
		}
	}

	private Path staging(String name) {
		Path staging = root.resolve("." + name + ".installing-" + hex());
		try {
			Files.createDirectory(staging);
		}
		catch (IOException e) {
			throw new GanException("cannot write to the models folder " + root +
				": " + reason(e), e);
		}
		return staging;
	}

	private void createRoot() {
		try {
			Files.createDirectories(root);
		}
		catch (IOException e) {
			throw new GanException("cannot create the models folder " + root + ": " +
				AtomicFile.describe(e), e);
		}
	}

	private String installedHint() {
		List<String> names = list().stream().map(InstalledModel::name).toList();
		return names.isEmpty() ? " (none is installed)" : " (installed: " + String
			.join(", ", names) + ")";
	}

	/**
	 * Why a file operation in the store failed, in words, without the paths the
	 * file system names with it: a hidden staging folder the user never named, or
	 * the source named twice. The caller's message names the model and the store.
	 */
	static String reason(IOException e) {
		if (e instanceof java.nio.file.AccessDeniedException)
			return "permission denied";
		if (e instanceof java.nio.file.FileSystemException f && f
			.getReason() != null) return f.getReason();
		return AtomicFile.describe(e);
	}

	/**
	 * Copies the model folder {@code from} into {@code to}. {@code from} itself
	 * may be a link (the folder the user named, as {@code --model} accepts it); a
	 * link inside it is refused. Messages name files under {@code from}.
	 */
	private void copyTree(Path from, Path to) {
		try {
			// the walk does not follow the link at its top: it walks the folder
			// it leads to, and names what it finds by the name the user gave
			Path real = from.toRealPath();
			try (Stream<Path> s = Files.walk(real)) {
				List<Path> all = s.toList();
				for (Path p : all) {
					Path named = from.resolve(real.relativize(p).toString());
					if (Files.isSymbolicLink(p)) throw new GanException(named +
						" is a symbolic link; copy the real files into the model folder first");
					// a named pipe would block the copy, a device never end it
					String kind = InputFile.kindOf(p);
					if (kind != null && !kind.equals("a folder")) throw new GanException(
						named + " is " + kind +
							", not a regular file; only files and folders can be installed");
				}
				for (Path p : all) {
					Path dst = to.resolve(real.relativize(p).toString());
					if (Files.isDirectory(p)) Files.createDirectories(dst);
					else Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES);
				}
			}
		}
		catch (IOException e) {
			throw new GanException("cannot copy " + from +
				" into the models folder " + root + ": " + reason(e), e);
		}
	}

	/**
	 * Whether {@code file} is a mark {@link #commit} wrote (a folder copied from
	 * a models folder holds one), so writing it again changes nothing.
	 */
	private static boolean isMark(Path file) {
		try {
			return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(
				file) == MARK_TEXT.getBytes(StandardCharsets.UTF_8).length && Files
					.readString(file, StandardCharsets.UTF_8).equals(MARK_TEXT);
		}
		catch (IOException e) {
			return false;
		}
	}

	private static boolean isZip(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			byte[] magic = in.readNBytes(4);
			return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' &&
				magic[2] == 3 && magic[3] == 4;
		}
	}

	/**
	 * A valid name from a file or folder name: its stem, other characters
	 * replaced by '-'.
	 */
	static String defaultName(String fileName) {
		String stem = fileName.replaceFirst("(?i)\\.(onnx|zip)$", "");
		String name = stem.replaceAll("[^A-Za-z0-9._+-]", "-").replaceFirst(
			"^[^A-Za-z0-9]+", "");
		if (name.length() > MAX_NAME_LENGTH) name = name.substring(0,
			MAX_NAME_LENGTH);
		return name.isEmpty() ? "model" : name;
	}

	private static String hex() {
		return Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
	}

	private static void deleteQuietly(Path path) {
		try {
			deleteTree(path);
		}
		catch (IOException e) {
			// best effort: the error that brought us here matters more
		}
	}

	/** Deletes a file or a folder tree; links are deleted, never followed. */
	private static void deleteTree(Path path) throws IOException {
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
		try (Stream<Path> s = Files.walk(path)) {
			for (Path p : s.sorted(Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
	}
}
