
package org.fijigan.core.train;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.io.FolderLock;
import org.fijigan.core.io.NameClaim;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.core.model.bioimage.DescriptorFile;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.ImageSource;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

/**
 * Where fine-tune writes the trained model, and what it may replace there. The
 * command line and the Fiji command share these checks, made before anything
 * trains: a run never writes over a training image or into a data folder (the
 * next run would train on it), never starts afresh over an earlier run's
 * checkpoint unless told to, replaces the model it trains only when told to,
 * and never replaces the weights of a bioimage.io package (its descriptor
 * records their SHA-256).
 *
 * @param model the {@code .onnx} file the fine-tuned model goes to
 * @param companions files written beside it (e.g. the loss curve), checked as
 *          it is
 * @param replaceOutputs whether existing outputs may be replaced
 * @param restartCheckpoints whether a run that does not resume may start afresh
 *          over the checkpoint of an earlier run
 * @param replaceInputModel whether the output may be the model being
 *          fine-tuned, replaced once training has finished
 * @param hints how the caller's user grants each of these, for the messages
 */
public record FineTuneOutput(Path model, List<Path> companions,
		boolean replaceOutputs, boolean restartCheckpoints,
		boolean replaceInputModel, Hints hints) {

	/**
	 * How a user grants what a check refuses, completing its message: e.g.
	 * {@code "pass --overwrite to replace it"} or
	 * {@code "tick 'Resume' to go on from it"}.
	 *
	 * @param replaceOutputs to replace an existing output
	 * @param resume to go on from an earlier run's checkpoint
	 * @param restartCheckpoints to start afresh over it
	 * @param replaceInputModel to replace the model being fine-tuned
	 */
	public record Hints(String replaceOutputs, String resume,
			String restartCheckpoints, String replaceInputModel) {
	}

	public FineTuneOutput {
		model = model.toAbsolutePath();
		companions = List.copyOf(companions);
		if (!model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(
			".onnx")) throw new GanException(
				"the fine-tuned model must be written to a .onnx file, not " + model
					.getFileName());
	}

	/**
	 * The output {@code OUT.onnx} with its loss curve, {@code OUT-loss.csv} and
	 * {@code OUT-loss.png}, as companions (the command line and the Fiji command
	 * write both).
	 */
	public static FineTuneOutput withLossCurve(Path model, boolean replaceOutputs,
		boolean restartCheckpoints, boolean replaceInputModel, Hints hints)
	{
		return new FineTuneOutput(model, List.of(sibling(model, "-loss.csv"),
			sibling(model, "-loss.png")), replaceOutputs, restartCheckpoints,
			replaceInputModel, hints);
	}

	/**
	 * {@code model.onnx} -> {@code model<suffix>}; a name without the extension
	 * is refused by the constructor.
	 */
	private static Path sibling(Path onnx, String suffix) {
		String name = onnx.toAbsolutePath().getFileName().toString();
		int end = name.toLowerCase(Locale.ROOT).endsWith(".onnx") ? name.length() -
			".onnx".length() : name.length();
		return onnx.toAbsolutePath().resolveSibling(name.substring(0, end) +
			suffix);
	}

	/** The model and its companions. */
	public List<Path> files() {
		List<Path> files = new ArrayList<>(companions.size() + 1);
		files.add(model);
		files.addAll(companions);
		return files;
	}

	/**
	 * The checks that need no loaded model, made before it is loaded.
	 *
	 * @param modelArgument what the user named as the model
	 * @param checkpoints the checkpoint folder, or null
	 */
	void checkBeforeLoading(String modelArgument, DataSource data,
		Path checkpoints, boolean resume, long steps)
	{
		AtomicFile.requireNameFits(model);
		// said now, not once every step has trained and the rename fails
		for (Path p : files())
			if (Files.isDirectory(p)) throw new GanException(p + " is a folder: " +
				"the fine-tuned model and its loss curve are written to files; " +
				"choose another name");
		NameClaim.requireClaimable(model); // said now, not after training
		for (Path c : companions)
			if (AtomicFile.nameBytes(c) > AtomicFile.MAX_NAME_BYTES)
				throw new GanException("the model's name is too long for the files " +
					"written beside it: " + c + " would " + "have a name of " + AtomicFile
						.nameBytes(c) + " bytes, over the " + AtomicFile.MAX_NAME_BYTES +
					" bytes (UTF-8) a file name may have; " +
					"choose a shorter name for the model");
		refuseReplacingPackageWeights();
		Path named = Path.of(modelArgument);
		boolean replacesModel = replacesModel(named, modelArgument);
		// a model named by its installed or bundled name is known to be the output
		// only once loaded: checkModel decides then
		boolean maybeModel = replaceInputModel && !Files.exists(named);
		boolean goesOn = goesOn(checkpoints, resume, steps);
		boolean companionsFree = mayReplaceCompanions(resume) || goesOn;
		for (Path p : files())
			if (Files.exists(p) && !(p == model ? replaceOutputs || replacesModel ||
				goesOn || maybeModel : companionsFree)) throw new GanException(p +
					" already exists" + (p == model && resume ? notTheRunsOwn(checkpoints)
						: "") + "; " + hints.replaceOutputs());
		AtomicFile.requireOutputFolder(model.getParent());
		AtomicFile.requireWritableFolder(model.getParent());
		refuseWritingIntoData(data, checkpoints);
		if (startsOverAnEarlierRun(checkpoints, resume)) {
			// a run still going there would refuse the advice too: say that instead
			try (FolderLock free = CheckpointFolderLock.acquire(checkpoints)) {
				refuseStartingOverAnEarlierRun(checkpoints, resume);
			}
		}
	}

	/**
	 * Refuses a run that does not resume and may not start afresh over the
	 * checkpoint of an earlier run in {@code checkpoints}: checked before loading
	 * ({@link #checkBeforeLoading}), and again by the run once it holds the
	 * folder's lock, as a run that finished between the two (its lock released)
	 * has left its checkpoint there.
	 *
	 * @param checkpoints the checkpoint folder, or null
	 */
	void refuseStartingOverAnEarlierRun(Path checkpoints, boolean resume) {
		if (startsOverAnEarlierRun(checkpoints, resume)) throw new GanException(
			checkpoints + " holds the checkpoint of an earlier run: " + hints
				.resume() + ", or " + hints.restartCheckpoints());
	}

	private boolean startsOverAnEarlierRun(Path checkpoints, boolean resume) {
		return checkpoints != null && !resume && !restartCheckpoints && Files
			.exists(checkpoints.resolve(Checkpoint.FILE));
	}

	/**
	 * The check that needs the loaded model: its weights file, which for a
	 * package or a model named by its name is not the file the user named.
	 */
	void checkModel(ModelDescriptor loaded, String modelArgument) {
		checkModel(loaded, modelArgument, null, false, 0);
	}

	/**
	 * As {@link #checkModel(ModelDescriptor, String)}, for a run with these
	 * checkpoints (see {@link #checkBeforeLoading}).
	 */
	void checkModel(ModelDescriptor loaded, String modelArgument,
		Path checkpoints, boolean resume, long steps)
	{
		Path weights = loaded.onnxFile();
		if (weights == null || !FileIdentity.same(model, weights)) {
			// left to this check by checkBeforeLoading: the output is not the model
			if (replaceInputModel && !replaceOutputs && Files.exists(model) && !Files
				.exists(Path.of(modelArgument)) && !goesOn(checkpoints, resume, steps))
				throw new GanException(model + " already exists; " + hints
					.replaceOutputs());
			return;
		}
		if (!FileIdentity.same(weights, Path.of(modelArgument)) && isPackaged(
			weights)) throw new GanException("the output " + model +
				" is the weights of the bioimage.io package " + modelArgument +
				", whose descriptor records their SHA-256: write " +
				"the fine-tuned model to another file (package-model packages it)");
		replacesModel(weights, modelArgument); // refused unless replaceInputModel
	}

	/**
	 * Whether a resumed run goes on from the checkpoints' head, which wrote the
	 * output it may then replace.
	 */
	private boolean goesOn(Path checkpoints, boolean resume, long steps) {
		if (!resume || checkpoints == null) return false;
		Checkpoint ck = Checkpoint.head(checkpoints);
		return ck != null && ck.step() < steps && Files.isRegularFile(model) &&
			wroteAt(checkpoints, checkpointSha256(checkpoints), ck.baseSha256(), ck
				.step());
	}

	/** The SHA-256 of the checkpoint in {@code dir}; null when unreadable. */
	private static String checkpointSha256(Path dir) {
		try {
			return Checkpoint.sha256(dir);
		}
		catch (GanException unreadable) {
			return null; // the resume says why
		}
	}

	/**
	 * Why the model at the output, whose metadata names the base model and step
	 * of the checkpoint in {@code checkpoints}, is not what that checkpoint's run
	 * wrote, after "already exists"; "" for a model whose metadata names another
	 * run, and for that run's own (refused as --steps does not go past it).
	 */
	private String notTheRunsOwn(Path checkpoints) {
		Checkpoint ck = checkpoints == null ? null : Checkpoint.head(checkpoints);
		if (ck == null || !namesTheEndOf(ck)) return "";
		if (!WrittenModel.anyRecord(checkpoints)) return ""; // its own, by metadata
		String sha = checkpointSha256(checkpoints);
		String recorded = WrittenModel.of(checkpoints, sha);
		// its own, refused as --steps does not go past it
		if (recorded != null && wroteAt(checkpoints, sha, ck.baseSha256(), ck
			.step())) return "";
		return " and is not the model the run checkpointed in " + checkpoints +
			" wrote at step " + ck.step() + " (its metadata names that run's base " +
			"model and step, but " + (recorded == null ? checkpoints +
				" records no model: that run was stopped before it wrote its model, " +
				"or ran a version that did not record it"
				: "its SHA-256 is not the one " + checkpoints + " records") + ")";
	}

	/**
	 * Whether the metadata of the model at the output names {@code ck}'s base
	 * model and step (what another run from that model names too).
	 */
	private boolean namesTheEndOf(Checkpoint ck) {
		try {
			Map<String, String> meta = metadata(ModelProto.parseFrom(Files
				.readAllBytes(model)));
			return ck.baseSha256().equals(meta.get(
				"fiji-gan.fine_tune.base_sha256")) && Long.toString(ck.step()).equals(
					meta.get("fiji-gan.fine_tune.steps"));
		}
		catch (java.io.IOException e) {
			return false; // not a model
		}
	}

	/** Whether a bioimage.io descriptor is beside {@code weights}. */
	private static boolean isPackaged(Path weights) {
		Path folder = weights.toAbsolutePath().getParent();
		try {
			return folder != null && DescriptorFile.in(folder).isPresent();
		}
		catch (GanException unreadable) {
			return false;
		}
	}

	/**
	 * Refuses an output that is the weights a bioimage.io descriptor beside it
	 * names, however the model being fine-tuned was named (its {@code .onnx}
	 * file, a link to it, its folder or descriptor), and whatever the output
	 * replaces otherwise: replaced weights no longer match the SHA-256 the
	 * package records, and the package no longer loads. A link as the output is
	 * judged where it leads too.
	 */
	private void refuseReplacingPackageWeights() {
		List<Path> places = new ArrayList<>(List.of(model.normalize()));
		try {
			if (Files.exists(model)) places.add(model.toRealPath());
		}
		catch (java.io.IOException e) {
			// not resolvable: judged where it is named
		}
		for (Path at : places) {
			Path descriptor;
			List<Path> named;
			try {
				descriptor = DescriptorFile.in(at.getParent()).orElse(null);
				if (descriptor == null) continue;
				named = BioImageRdf.namedFiles(descriptor);
			}
			catch (GanException unreadable) {
				continue; // no package the loader would take
			}
			for (Path f : named)
				if (f.equals(at) || FileIdentity.same(f, model)) throw new GanException(
					"the output " + model + " is the weights " +
						"of the bioimage.io package in " + at.getParent() + ", which " +
						"its descriptor " + descriptor.getFileName() + " names: a " +
						"package's weights are never replaced; write the fine-tuned " +
						"model to another file (package-model packages it)");
		}
	}

	/**
	 * Whether the companions may be replaced: when outputs may, and when there is
	 * no model, placed last, beside them and either the run resumes or the
	 * model's hidden temporary file is there ({@link #killedBeforeTheModel}):
	 * they are what a run of this output placed before it was stopped. A run that
	 * replaces its input model always finds the model there (the input): the
	 * temporary file alone tells that such a run was stopped.
	 */
	public boolean mayReplaceCompanions(boolean resume) {
		return replaceOutputs || !Files.exists(model) && (resume ||
			!killedBeforeTheModel().isEmpty()) || replaceInputModel &&
				!killedBeforeTheModel().isEmpty();
	}

	/**
	 * Whether the trained {@code result} is a resumed run's that went on past the
	 * checkpoint it resumed from, and the model at the output is what the run of
	 * that checkpoint wrote: a finished run that goes on replaces its own result
	 * and the companions beside it.
	 */
	private boolean goesOnFrom(Trainer.Result result) {
		Trainer.Checkpoints k = result.checkpoints();
		return k != null && k.resumedFrom() != null && k.resumedStep() < result
			.steps() && wroteAt(k.dir(), k.resumedFrom(), metadata(result.model())
				.get("fiji-gan.fine_tune.base_sha256"), k.resumedStep());
	}

	/**
	 * Whether the model at the output is byte for byte the model that the run of
	 * the checkpoint of SHA-256 {@code checkpoint} in {@code dir} wrote, as the
	 * folder records it ({@link WrittenModel}): a model of another run from the
	 * same base model and of as many steps has the same metadata, not the same
	 * bytes. A folder that records no model at all (written by a version that did
	 * not record it) is judged as that version judged it: by the model's metadata
	 * naming the run's base model {@code base} and step {@code step}.
	 */
	private boolean wroteAt(Path dir, String checkpoint, String base, long step) {
		if (!Files.isRegularFile(model)) return false;
		if (!WrittenModel.anyRecord(dir)) return base != null && namesTheEndOf(
			new Checkpoint(step, 1, base, "", Map.of(), List.of()));
		String recorded = WrittenModel.of(dir, checkpoint);
		if (recorded == null) return false; // hashed only where one is recorded
		try {
			return recorded.equals(FileHashes.sha256(model, ""));
		}
		catch (GanException unreadable) {
			return false; // not that run's
		}
	}

	private static Map<String, String> metadata(ModelProto m) {
		Map<String, String> meta = new HashMap<>();
		for (StringStringEntryProto e : m.getMetadataPropsList())
			meta.put(e.getKey(), e.getValue());
		return meta;
	}

	/**
	 * The temporary files of the model that a run killed between putting its
	 * companions and its model in place left beside it (the model is staged whole
	 * before anything is placed).
	 */
	private List<Path> killedBeforeTheModel() {
		List<Path> left = new ArrayList<>();
		String name = model.getFileName().toString();
		try (var s = Files.newDirectoryStream(model.getParent(), p -> AtomicFile
			.isTemporaryOf(p.getFileName().toString(), name) && Files.isRegularFile(p,
				LinkOption.NOFOLLOW_LINKS)))
		{
			for (Path p : s)
				left.add(p);
		}
		catch (java.io.IOException e) {
			// none readable: none counted
		}
		return left;
	}

	/**
	 * Writes the trained model and its companions together: each is written whole
	 * under a temporary name first, so that a write that fails (a full disk)
	 * leaves none of them and replaces nothing; then the companions are put in
	 * place and the model last (a run killed between them has placed no model and
	 * left its temporary file; a rerun replaces its companions, and with
	 * {@code resume} finishes it from its checkpoint). Where one cannot be put in
	 * place (a file that appeared meanwhile), the companions this call added are
	 * removed again. Another run writing the same model ({@link NameClaim}) waits
	 * until this one has decided and placed its files, and the other way round,
	 * so that neither takes the other's temporary file for a killed run's, nor
	 * places its files between the other's.
	 *
	 * @param resume whether the run resumed, which lets it replace the companions
	 *          of the same run ({@link #mayReplaceCompanions}), and the model and
	 *          companions that run wrote when it stopped, where it goes on past
	 *          it
	 * @param trained the weights file of the model that was fine-tuned (the
	 *          loaded model's, whatever the user named): replaced only with
	 *          {@link #replaceInputModel}, and only while it holds the bytes the
	 *          run loaded: another run that replaced it meanwhile (its own
	 *          {@code --replace-input-model}) trained on what this run never saw,
	 *          and this run writes nothing over it
	 * @param trainedSha256 the SHA-256 of {@code trained} when the run loaded it
	 *          ({@link org.fijigan.core.model.ModelDescriptor#sha256})
	 * @param companionContents the content of each of {@link #companions}, in
	 *          order
	 */
	public void write(Trainer.Result result, Path trained, String trainedSha256,
		boolean resume, List<AtomicFile.Content> companionContents)
	{
		if (companionContents.size() != companions.size())
			throw new IllegalArgumentException(companions.size() +
				" companions, content for " + companionContents.size());
		// decided, and placed, while no other run puts files in place there: a
		// temporary file of the model is then a killed run's, never a live one's
		try (NameClaim claim = NameClaim.claim(model)) {
			writeClaimed(result, trained, trainedSha256, resume, companionContents);
		}
	}

	private void writeClaimed(Trainer.Result result, Path trained,
		String trainedSha256, boolean resume,
		List<AtomicFile.Content> companionContents)
	{
		// decided before this run stages its own model beside them
		boolean goesOn = resume && goesOnFrom(result);
		boolean replaceCompanions = mayReplaceCompanions(resume) || goesOn;
		List<Path> leftovers = Files.exists(model) && !replaceInputModel ? List.of()
			: killedBeforeTheModel();
		List<AtomicFile.Staged> staged = new ArrayList<>();
		try {
			for (int i = 0; i < companions.size(); i++)
				staged.add(AtomicFile.stageStream(companions.get(i), companionContents
					.get(i)));
			MessageDigest digest = FileHashes.newSha256();
			AtomicFile.Staged placed = AtomicFile.stageStream(model, o -> result
				.model().writeTo(new DigestOutputStream(o, digest)));
			staged.add(placed);
			boolean replacesTrained = FileIdentity.same(model, trained);
			// under the claim that another run replacing the same model takes too,
			// before anything is placed or recorded
			if (replacesTrained && replaceInputModel) {
				String now = FileHashes.sha256(model, "model file ");
				if (!now.equals(trainedSha256)) throw FileHashes.changedDuringRun(model,
					trainedSha256, now, "model file");
			}
			// before the model is placed: a run stopped between the two has placed
			// none, and the record names bytes no file holds
			Trainer.Checkpoints k = result.checkpoints();
			if (k != null && k.last() != null) WrittenModel.record(k.dir(), k.last(),
				FileHashes.hex(digest));
			List<Path> added = new ArrayList<>();
			try {
				for (AtomicFile.Staged c : staged.subList(0, companions.size())) {
					boolean existed = Files.exists(c.target(), LinkOption.NOFOLLOW_LINKS);
					c.place(replaceCompanions);
					if (!existed) added.add(c.target());
				}
				// replace only when allowed, even a file that appeared while training
				placed.place(replaceOutputs || goesOn || replacesTrained &&
					replaceInputModel);
			}
			catch (RuntimeException e) {
				for (Path p : added)
					deleteQuietly(p);
				throw e;
			}
			// the model placed: a killed run's temporary file of it is litter now,
			// and so are those a run killed while placing its companions left, once
			// unchanged for as long as AtomicFile allows a live write
			for (Path p : leftovers)
				deleteQuietly(p);
			for (Path c : companions)
				AtomicFile.removeStaleTemporaries(c);
		}
		finally {
			for (AtomicFile.Staged s : staged)
				s.close();
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (java.io.IOException e) {
			// the error that brought us here matters more
		}
	}

	/**
	 * Whether the output is the model file {@code file} (under any name): allowed
	 * with {@link #replaceInputModel}, refused otherwise.
	 */
	private boolean replacesModel(Path file, String modelArgument) {
		if (!FileIdentity.same(model, file)) return false;
		if (replaceInputModel) return true;
		throw new GanException("the output " + model +
			" is the model being fine-tuned (" + modelArgument +
			"): write the fine-tuned model to another file, or " + hints
				.replaceInputModel());
	}

	/**
	 * Refuses writing the model or its companions over a training image, under
	 * any name, and writing them or the checkpoints into a data folder.
	 */
	private void refuseWritingIntoData(DataSource data, Path checkpoints) {
		List<ImageSource> sources = data instanceof DataSource.Pairs p ? List.of(p
			.inputs(), p.targets()) : List.of(((DataSource.Images) data).images());
		List<Path> outputs = new ArrayList<>(files());
		if (checkpoints != null) outputs.add(checkpoints);
		List<FileIdentity.Input> images = new ArrayList<>();
		for (ImageSource s : sources)
			if (s.folder() != null) for (String name : s.names())
				images.add(new FileIdentity.Input("training image", s.folder().resolve(
					name)));
		var index = FileIdentity.index(images);
		for (Path p : files())
			FileIdentity.refuseOverwriting(p, index);
		for (ImageSource s : sources)
			if (s.folder() != null) for (Path p : outputs)
				if (FileIdentity.isInside(p, s.folder())) throw new GanException(p +
					" is inside " + s.folder() +
					", whose images fine-tune trains on: a later run would train on " +
					"what this one writes there; write it outside the data");
	}
}
