
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.batch.Manifest;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.text.Printable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Joins the manifest parts of a sharded run into one manifest. */
@Command(name = "merge-manifests", mixinStandardHelpOptions = true,
	description = "Join the manifest parts of a sharded run (manifest.part-I-of-N.csv) into one " +
		"manifest, one row per output, sorted; rows a later run wrote into the folder's manifest.csv " +
		"are kept. Fails (exit code 1) when a part is missing, a result a part records is gone or " +
		"of another size, or an " +
		"output a part planned has no result, naming each, and writes nothing; when outputs " +
		"failed, it writes the manifest, names them and exits with 1.")
final class MergeManifestsCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Parameters(paramLabel = "DIR|PART", arity = "1..*",
		description = "The output folder of the run (its parts are merged), or part files.")
	List<Path> sources;

	@Option(names = { "-o", "--output" }, paramLabel = "FILE.csv",
		description = "The merged manifest (default: manifest.csv in the folder, or beside the first part; " +
			"when it is there, its rows of outputs the parts list no row of, or an older one, are kept).")
	Path output;

	@Option(names = "--overwrite",
		description = "Replace FILE.csv given with --output if it exists; without --output, write the " +
			"parts' rows alone over the folder's manifest.csv, dropping its other rows.")
	boolean overwrite;

	/**
	 * @throws GanException naming the first of {@code paths} that names the same
	 *           file or folder as one before it (links followed), with
	 *           {@code how} when the two names are the same text
	 */
	private static void refuseTwice(List<Path> paths, String how) {
		Map<Object, Path> seen = new HashMap<>();
		for (Path p : paths) {
			Object id = FileIdentity.of(p);
			Path earlier = id == null ? null : seen.putIfAbsent(id, p);
			if (earlier != null) throw new GanException((Files.isDirectory(p)
				? "the folder " : "the manifest part ") + p + " is given twice" +
				(earlier.toString().equals(p.toString()) ? how : " (also as " +
					earlier + ")") + ": give each once");
		}
	}

	@Override
	public Integer call() {
		// a folder or part named twice was read twice: its rows counted twice and
		// said to overlap, as if two shards had written the same outputs
		refuseTwice(sources, "");
		List<Path> parts = new ArrayList<>();
		for (Path p : sources) {
			if (Files.isDirectory(p)) {
				List<Path> found = Manifest.partsIn(p);
				if (found.isEmpty()) throw new GanException(
					"no manifest parts (manifest.part-I-of-N.csv) in " + p);
				parts.addAll(found);
			}
			else if (Files.isRegularFile(p)) parts.add(p);
			else throw new GanException("file not found: " + p);
		}
		refuseTwice(parts, ", as a file and in its folder");
		Path target = output != null ? output : (Files.isDirectory(sources.get(0))
			? sources.get(0) : sources.get(0).toAbsolutePath().getParent()).resolve(
				Manifest.MERGED);
		if (parts.stream().anyMatch(p -> p.toAbsolutePath().normalize().equals(
			target.toAbsolutePath().normalize()))) throw new GanException(
				"the merged manifest " + target + " is one of the parts");
		if (output != null) {
			AtomicFile.requireCsvName(output, "the merged manifest");
			if (Files.isDirectory(output)) throw new GanException(
				"the merged manifest " + output + " is a folder");
			if (!overwrite) AtomicFile.refuseExisting(output.toAbsolutePath());
		}
		Manifest.MergeReport r = output == null && !overwrite ? Manifest.mergeInto(
			parts, target) : Manifest.merge(parts, target, output == null ||
				overwrite);
		PrintWriter out = spec.commandLine().getOut();
		out.println("merged " + r.parts() + " part" + (r.parts() == 1 ? "" : "s") +
			" into " + r.file() + ": " + r.rows() + " row" + (r.rows() == 1 ? ""
				: "s") + " " + r.statuses() + (r.kept() == 0 ? "" : ", " + r.kept() +
					" of them kept from the manifest there (outputs the parts list no " +
					"row of, or an older one)"));
		if (!r.duplicates().isEmpty()) out.println("note: " + r.duplicates()
			.size() +
			" output(s) listed by more than one part (overlapping shards?), e.g. " +
			Printable.of(r.duplicates().get(0)));
		for (String f : r.failed())
			out.println("failed: " + Printable.of(f)); // one line per failure
		out.flush();
		if (!r.failed().isEmpty()) throw new GanException(r.failed().size() +
			" of " + r.rows() + " outputs failed (listed above, and in " + r.file() +
			")");
		return 0;
	}
}
