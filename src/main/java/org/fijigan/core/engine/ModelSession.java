
package org.fijigan.core.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.onnx.ExternalData;

import com.google.protobuf.InvalidProtocolBufferException;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * One ONNX Runtime session on one execution provider. Owns its native session
 * and closes it in {@link #close()} (safe to call twice; {@link #run} after
 * close throws). {@link #run} may be called from several threads at once, as
 * {@code OrtSession.run} allows.
 * <p>
 * The provider that was asked for is tried first; when it is missing from this
 * ONNX Runtime build, when {@link ProviderCheck} finds its libraries missing,
 * or when it fails to load, the session falls back to the CPU and says so in
 * {@link #notes()}. A provider that failed to load is not tried again in this
 * process. A strict device ({@link DeviceSpec#strict()}) never falls back: it
 * runs wholly on its provider or fails. {@link #provider()} always names the
 * provider that actually runs. ONNX Runtime itself is reached through
 * {@link OnnxRuntimeSetup#environment()}.
 * <p>
 * With the system property {@value #PROFILE_PROPERTY} set to a folder, every
 * session opened here runs under ONNX Runtime's profiler and writes its JSON
 * trace into that folder when it closes (docs/contributing.md).
 */
public final class ModelSession implements AutoCloseable {

	/**
	 * System property: a folder for ONNX Runtime's profiler traces, one file per
	 * session, named {@code NNN-NAME_DATE.json} ({@code NNN} counts the sessions
	 * of this process in the order they opened). For benchmarks: the profiler
	 * slows every run and keeps its events in memory until the session closes.
	 */
	public static final String PROFILE_PROPERTY = "fijigan.ort.profile";

	private static final AtomicInteger profiledSessions = new AtomicInteger();

	/** GPU providers {@code auto} tries, in order, before the CPU. */
	private static final List<ExecutionProvider> AUTO_ORDER = List.of(
		ExecutionProvider.CUDA, ExecutionProvider.ROCM, ExecutionProvider.DIRECTML,
		ExecutionProvider.COREML);

	private final OrtSession session;
	private final String provider;
	private final List<String> notes;
	private final int threads;
	private final boolean profiled;
	private volatile boolean closed;

	private ModelSession(OrtSession session, String provider, List<String> notes,
		int threads, String profilePrefix)
	{
		this.session = session;
		this.provider = provider;
		this.notes = List.copyOf(notes);
		this.threads = threads;
		this.profiled = profilePrefix != null;
	}

	/**
	 * The providers compiled into the ONNX Runtime on the class path, e.g.
	 * {@code [cpu]}.
	 */
	public static List<ExecutionProvider> availableProviders() {
		OnnxRuntimeSetup.environment(); // before ONNX Runtime loads its libraries
		EnumSet<OrtProvider> ort = OrtEnvironment.getAvailableProviders();
		List<ExecutionProvider> list = new ArrayList<>();
		for (ExecutionProvider p : ExecutionProvider.values())
			if (ort.contains(p.ortProvider())) list.add(p);
		return list;
	}

	/**
	 * The providers of {@link #availableProviders()} whose native library loads
	 * on this machine (CPU always; CUDA only where the CUDA and cuDNN libraries
	 * are found), for device lists in dialogs. Asks ONNX Runtime, without a
	 * model, only about providers that {@link ProviderCheck} lets through, once
	 * each, and remembers the answer.
	 */
	public static synchronized List<ExecutionProvider> loadableProviders() {
		if (loadable == null) {
			List<ExecutionProvider> list = new ArrayList<>();
			for (ExecutionProvider p : availableProviders())
				if (p == ExecutionProvider.CPU || ProviderCheck.whyNot(p) == null &&
					loads(p)) list.add(p);
			loadable = List.copyOf(list);
		}
		return loadable;
	}

	private static List<ExecutionProvider> loadable;

	private static boolean loads(ExecutionProvider p) {
		OnnxRuntimeSetup.environment();
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			addProvider(o, new DeviceSpec(p, 0));
			return true;
		}
		catch (OrtException | RuntimeException | LinkageError e) {
			ProviderCheck.failed(p, oneLine(e));
			return false;
		}
	}

	/**
	 * ONNX Runtime could not load a provider's library: remembered, unlike a
	 * model that fails on it.
	 */
	private static final class ProviderLoadException extends Exception {

		private static final long serialVersionUID = 1L;

		ProviderLoadException(Throwable cause) {
			super(oneLine(cause), cause);
		}
	}

	/**
	 * Opens {@code onnxFile} on {@code device}.
	 *
	 * @param threads intra-op threads; {@code <= 0} means all available cores
	 *          (ONNX Runtime's own default is several times slower on small
	 *          machines, so it is always set explicitly)
	 */
	public static ModelSession open(Path onnxFile, DeviceSpec device,
		int threads)
	{
		if (!Files.isRegularFile(onnxFile)) throw new GanException(
			"model file not found: " + onnxFile);
		String name = onnxFile.getFileName().toString();
		return open(new Source(onnxFile, passable(onnxFile) ? null : bytesInstead(
			onnxFile, name), name), device, threads);
	}

	/**
	 * Whether ONNX Runtime can be given {@code file} by its path. Its Java
	 * binding passes a path in Java's modified UTF-8, where a character outside
	 * the Basic Multilingual Plane (an emoji, U+1D510) is two encoded surrogate
	 * halves rather than the file system's UTF-8, so such a file "doesn't exist"
	 * for it.
	 */
	static boolean passable(Path file) {
		return file.toString().codePoints().allMatch(Character::isBmpCodePoint);
	}

	/**
	 * The bytes of a model whose path ONNX Runtime cannot be given, to open it
	 * from: one without external data is the same model. One with external data
	 * is refused, naming the cause: ONNX Runtime finds those files only beside
	 * the model's path.
	 */
	private static byte[] bytesInstead(Path onnxFile, String name) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(onnxFile);
		}
		catch (java.io.IOException | OutOfMemoryError e) {
			throw new LoadFailure("ONNX Runtime cannot load " + name +
				": cannot read it: " + oneLine(e), e);
		}
		List<String> external;
		try {
			external = ExternalData.locations(ModelProto.parseFrom(bytes));
		}
		catch (InvalidProtocolBufferException e) {
			return bytes; // ONNX Runtime says what is wrong with it
		}
		catch (GanException e) {
			throw new LoadFailure("ONNX Runtime cannot load " + name + ": " + e
				.getMessage(), e);
		}
		if (external.isEmpty()) return bytes;
		int c = onnxFile.toString().codePoints().filter(p -> !Character
			.isBmpCodePoint(p)).findFirst().getAsInt();
		throw new LoadFailure("ONNX Runtime cannot load " + name +
			": it keeps weights in external data files " + external +
			", which ONNX Runtime finds only by the model's path, and it cannot " +
			"be given the path " + onnxFile + ": it holds '" + Character.toString(c) +
			"' (" + String.format(java.util.Locale.ROOT, "U+%04X", c) +
			"), a character outside the Basic Multilingual Plane, which ONNX " +
			"Runtime's Java binding cannot pass; move or rename the folder so " +
			"that its path has no such character", null);
	}

	/**
	 * Opens the model whose bytes were read from {@code onnxFile} (they, not the
	 * file as it is now, are what runs), named as that file in messages.
	 */
	public static ModelSession open(Path onnxFile, byte[] model,
		DeviceSpec device, int threads)
	{
		return open(new Source(onnxFile, model, onnxFile.getFileName().toString()),
			device, threads);
	}

	/**
	 * Opens a model held in memory (a training graph built in Java), with the
	 * same provider choice and fallback as {@link #open(Path, DeviceSpec, int)}.
	 */
	public static ModelSession open(byte[] model, String displayName,
		DeviceSpec device, int threads)
	{
		return open(new Source(null, model, displayName), device, threads);
	}

	private record Source(Path file, byte[] bytes, String name) {
	}

	private static ModelSession open(Source onnxFile, DeviceSpec device,
		int threads)
	{
		int nThreads = threads > 0 ? threads : Runtime.getRuntime()
			.availableProcessors();
		List<String> notes = new ArrayList<>();
		String setupNote = OnnxRuntimeSetup.takeNote();
		if (setupNote != null) notes.add(setupNote);
		String profile = profilePrefix(onnxFile);
		if (device.strict()) return openStrict(onnxFile, device, nThreads, notes,
			profile);
		List<ExecutionProvider> available = availableProviders();
		List<DeviceSpec> attempts = new ArrayList<>();
		if (device.isAuto()) {
			for (ExecutionProvider p : AUTO_ORDER)
				if (available.contains(p)) attempts.add(new DeviceSpec(p, 0));
		}
		else if (device.provider() != ExecutionProvider.CPU) {
			if (available.contains(device.provider())) attempts.add(device);
			else notes.add(device.provider().id() +
				" is not in this ONNX Runtime build (it has: " + ids(available) +
				"); running on cpu" + (device.provider() == ExecutionProvider.CUDA ||
					device.provider() == ExecutionProvider.TENSORRT
						? ". For NVIDIA GPUs build with -Pgpu (CUDA 12, cuDNN 9)" : ""));
		}
		for (DeviceSpec attempt : attempts) {
			String whyNot = ProviderCheck.whyNot(attempt.provider());
			if (whyNot != null) {
				notes.add(attempt + " skipped: " + whyNot + "; running on cpu");
				continue;
			}
			try {
				OrtSession s = create(onnxFile, attempt, nThreads, profile);
				return new ModelSession(s, attempt.toString(), notes, nThreads,
					profile);
			}
			catch (ProviderLoadException e) {
				ProviderCheck.failed(attempt.provider(), e.getMessage());
				notes.add(attempt + " could not load (" + e.getMessage() +
					"); running on cpu" + (OnnxRuntimeSetup
						.logLevel() == OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL ? " (" +
							OnnxRuntimeSetup.LOG_LEVEL_ENV +
							"=error shows ONNX Runtime's own reason)" : ""));
			}
			catch (OrtException | RuntimeException e) {
				notes.add(attempt + " could not load (" + oneLine(e) +
					"); running on cpu");
			}
		}
		try {
			return new ModelSession(create(onnxFile, DeviceSpec.CPU, nThreads,
				profile), "cpu", notes, nThreads, profile);
		}
		catch (OrtException | ProviderLoadException e) {
			CancellationToken.throwIfShuttingDown();
			throw new LoadFailure("ONNX Runtime cannot load " + onnxFile.name() +
				": " + loadReason(e), e);
		}
	}

	/** ONNX Runtime could not make a session of the model at all. */
	public static final class LoadFailure extends GanException {

		private static final long serialVersionUID = 1L;

		LoadFailure(String message, Throwable cause) {
			super(message, cause);
		}
	}

	/**
	 * Where in ONNX Runtime's C++ sources a message comes from: a file and line,
	 * then the function, with its return type and signature
	 * ({@code onnxruntime::Initializer::
	 * Initializer(const onnxruntime::Graph&, ...)}) or as a bare name of several
	 * capitalised words ({@code GetExternalDataInfo}).
	 */
	private static final String SOURCE_PLACE =
		"\\S+\\.(?:h|cc|cpp|cu):\\d+ (?:(?:[\\w:<>&*]+ )?[\\w:~<>]+\\([^()]*\\) |[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+ )?";

	private static final Pattern NO_OP = Pattern.compile(
		"No Op registered for (\\S+) with domain_version of (\\d+)");

	/**
	 * ONNX Runtime's reason for not loading a model, without its error code, the
	 * model's path and the C++ function it came from.
	 */
	static String loadReason(Throwable e) {
		return loadReason(oneLine(e));
	}

	/** As {@link #loadReason(Throwable)}, of ONNX Runtime's message. */
	static String loadReason(String message) {
		String m = message.replaceFirst("^Error code - \\w+ - message: ", "")
			.replaceFirst("^Load model from .*? failed:", "").replaceFirst(
				"^Exception during initialization: ", "").replaceAll(SOURCE_PLACE, "")
			.replaceAll("\\[ONNXRuntimeError\\] : \\d+ : \\w+ : ", "").strip();
		Matcher op = NO_OP.matcher(m);
		if (op.find()) return "it uses the operator " + op.group(1) +
			", which ONNX Runtime does not have at opset " + op.group(2) +
			" (a custom operator, a misspelt one, or one of a newer opset)";
		return m;
	}

	/**
	 * A strict device: its provider, with no CPU fallback for any node, or a
	 * {@link GanException}.
	 */
	private static ModelSession openStrict(Source file, DeviceSpec device,
		int threads, List<String> notes, String profile)
	{
		List<ExecutionProvider> available = availableProviders();
		String refused = device +
			": strict mode does not fall back to the CPU, and ";
		if (!available.contains(device.provider())) throw new GanException(refused +
			device.provider().id() + " is not in this ONNX Runtime build (it has: " +
			ids(available) + ")");
		String whyNot = ProviderCheck.whyNot(device.provider());
		if (whyNot != null) throw new GanException(refused + whyNot);
		try {
			return new ModelSession(create(file, device, threads, profile), device
				.toString(), notes, threads, profile);
		}
		catch (ProviderLoadException e) {
			ProviderCheck.failed(device.provider(), e.getMessage());
			throw new GanException(refused + device.provider().id() +
				" could not load: " + e.getMessage(), e);
		}
		catch (OrtException | RuntimeException e) {
			byte[] model = file.bytes();
			try {
				if (model == null) model = Files.readAllBytes(file.file());
			}
			catch (java.io.IOException unreadable) {
				model = null;
			}
			throw new GanException(ProviderCoverage.strictRefusal(file.name(), model,
				device, oneLine(e)), e);
		}
	}

	/**
	 * The profiler's file prefix for the next session, or null when
	 * {@value #PROFILE_PROPERTY} is not set. Makes the folder, and writes a model
	 * held in memory beside its trace as {@code NNN-NAME.onnx}: the trace's
	 * {@code node_index} counts that graph's nodes.
	 */
	private static String profilePrefix(Source source) {
		String folder = System.getProperty(PROFILE_PROPERTY);
		if (folder == null || folder.isBlank()) return null;
		String name = source.name().replaceAll("[^A-Za-z0-9._-]+", "-");
		Path prefix = Path.of(folder).resolve(String.format(java.util.Locale.ROOT,
			"%03d-%s", profiledSessions.incrementAndGet(), name));
		try {
			Files.createDirectories(prefix.getParent());
			if (source.file() == null && source.bytes() != null) Files.write(Path.of(
				prefix + ".onnx"), source.bytes());
		}
		catch (java.io.IOException | RuntimeException e) {
			throw new GanException(
				"cannot write into the folder for ONNX Runtime's profiles (" +
					PROFILE_PROPERTY + "=" + folder + "): " + oneLine(e), e);
		}
		return prefix.toString();
	}

	private static OrtSession create(Source file, DeviceSpec device, int threads,
		String profilePrefix) throws OrtException, ProviderLoadException
	{
		OrtEnvironment env = OnnxRuntimeSetup.environment();
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			o.setIntraOpNumThreads(threads);
			o.setInterOpNumThreads(1);
			o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
			o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
			// idle intra-op threads sleep instead of spinning: first and warm runs
			// took 0.75x as long
			// on a shared 2-core machine (docs/performance.md, ONNX Runtime's CPU
			// options)
			o.addConfigEntry("session.intra_op.allow_spinning", "0");
			o.setSessionLogLevel(OnnxRuntimeSetup.logLevel());
			if (profilePrefix != null) o.enableProfiling(profilePrefix);
			try {
				addProvider(o, device);
			}
			catch (OrtException | RuntimeException | LinkageError e) {
				throw new ProviderLoadException(e);
			}
			if (device.strict()) o.addConfigEntry("session.disable_cpu_ep_fallback",
				"1");
			return file.bytes() != null ? env.createSession(file.bytes(), o) : env
				.createSession(file.file().toString(), o);
		}
	}

	/**
	 * Adds the device's provider to the options: this is where ONNX Runtime loads
	 * its library.
	 */
	private static void addProvider(OrtSession.SessionOptions o,
		DeviceSpec device) throws OrtException
	{
		int id = device.deviceIndex();
		switch (device.provider()) {
			case CPU -> {}
			case CUDA -> o.addCUDA(id);
			case TENSORRT -> {
				o.addTensorrt(id);
				o.addCUDA(id);
			}
			case DIRECTML -> o.addDirectML(id);
			case COREML -> o.addCoreML();
			case ROCM -> o.addROCM(id);
			case OPENVINO -> o.addOpenVINO("");
		}
	}

	private static String ids(List<ExecutionProvider> list) {
		List<String> s = new ArrayList<>();
		for (ExecutionProvider p : list)
			s.add(p.id());
		return String.join(", ", s);
	}

	private static final Pattern NODE = Pattern.compile("Name:'([^']*)'"), SHAPE =
		Pattern.compile("(?i)input shape:\\s*\\{([0-9, ]+)\\}"), REFLECT_PAD =
			Pattern.compile("(?i)\\bpad\\b.*\\breflect");

	/**
	 * Why a run failed, in words where ONNX Runtime's message is about the input
	 * rather than the model: a mirror (reflect) Pad in the graph needs an input
	 * larger than its padding, which a small image or tile is not. Else the first
	 * line of ONNX Runtime's message.
	 */
	static String reason(OrtException e) {
		String m = e.getMessage() == null ? "" : e.getMessage();
		if (!REFLECT_PAD.matcher(m).find()) return oneLine(e);
		Matcher node = NODE.matcher(m), shape = SHAPE.matcher(m);
		String size = "";
		if (shape.find()) {
			String[] dims = shape.group(1).replace(" ", "").split(",");
			if (dims.length >= 2) size = " (" + dims[dims.length - 1] + "x" +
				dims[dims.length - 2] + " pixels)";
		}
		return "the image, or the tile fed to the model" + size +
			", is smaller than the model's mirror (reflect) padding allows" + (node
				.find() ? " in its node '" + node.group(1) + "'" : "") +
			": a mirror needs more pixels along each padded axis than it adds; " +
			"give a larger image or tile";
	}

	/**
	 * Where a failed run fed one input two sizes along axes its declaration names
	 * alike ({@code [N,1,s,s]}: a model that may take square images only), a
	 * sentence saying so for the failure's message; else "". Such a name is a
	 * hint, not a rule: many models declared so run on any size.
	 */
	private String sharedSizeHint(Map<String, Tensor> inputs) {
		try {
			Map<String, NodeInfo> info = session.getInputInfo();
			for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
				if (!(info.get(e.getKey()).getInfo() instanceof TensorInfo t)) continue;
				String hint = sharedSizeHint(e.getKey(), t.getDimensionNames(), e
					.getValue().shape());
				if (!hint.isEmpty()) return hint;
			}
		}
		catch (OrtException | RuntimeException ignored) {
			// the failure's own message stands
		}
		return "";
	}

	static String sharedSizeHint(String input, String[] names, long[] fed) {
		for (int i = 0; i < names.length && i < fed.length; i++)
			for (int j = i + 1; j < names.length && j < fed.length; j++)
				if (names[i] != null && !names[i].isEmpty() && names[i].equals(
					names[j]) && fed[i] != fed[j]) return ". Its input '" + input +
						"' gives axes " + i + " and " + j + " one size, '" + names[i] +
						"', and was fed " + fed[i] + " and " + fed[j] +
						": the model may take square images only (crop or pad the image " +
						"to a square, or give a square --tile)";
		return "";
	}

	static String oneLine(Throwable e) {
		String m = e.getMessage() == null ? e.getClass().getSimpleName() : e
			.getMessage();
		m = m.strip();
		int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}

	/**
	 * The provider that runs this session, e.g. {@code cpu} or {@code cuda:0}.
	 */
	public String provider() {
		return provider;
	}

	/**
	 * The ONNX Runtime session itself, for callers that feed preallocated tensors
	 * (the training loop). Owned by this object: do not close it.
	 */
	public OrtSession ortSession() {
		if (closed) throw new IllegalStateException("session is closed");
		return session;
	}

	/** What happened while choosing the provider (fallbacks), for the user. */
	public List<String> notes() {
		return notes;
	}

	public int threads() {
		return threads;
	}

	/**
	 * Input names and shapes as ONNX Runtime reports them (-1 for dynamic
	 * dimensions).
	 */
	public Map<String, long[]> inputShapes() {
		return shapes(true);
	}

	public Map<String, long[]> outputShapes() {
		return shapes(false);
	}

	private Map<String, long[]> shapes(boolean inputs) {
		try {
			Map<String, NodeInfo> info = inputs ? session.getInputInfo() : session
				.getOutputInfo();
			Map<String, long[]> m = new LinkedHashMap<>();
			for (Map.Entry<String, NodeInfo> e : info.entrySet())
				if (e.getValue().getInfo() instanceof TensorInfo t) m.put(e.getKey(), t
					.getShape());
				else m.put(e.getKey(), new long[0]);
			return Collections.unmodifiableMap(m);
		}
		catch (OrtException e) {
			throw new GanException("cannot read the model's inputs: " + oneLine(e),
				e);
		}
	}

	/**
	 * Runs the model. Float inputs are converted to the input's declared element
	 * type (float32, float64 or float16); outputs come back as float32.
	 *
	 * @param inputs tensors by input name
	 * @param outputNames outputs to fetch
	 * @param cancel terminates the run in flight when cancelled
	 * @return tensors by output name, in the order asked
	 */
	public Map<String, Tensor> run(Map<String, Tensor> inputs,
		List<String> outputNames, CancellationToken cancel)
	{
		if (closed) throw new IllegalStateException("session is closed");
		cancel.throwIfCancelled();
		OrtEnvironment env = OnnxRuntimeSetup.environment();
		Map<String, OnnxTensor> ort = new LinkedHashMap<>();
		try (OrtSession.RunOptions ro = new OrtSession.RunOptions()) {
			Map<String, NodeInfo> info = session.getInputInfo();
			for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
				NodeInfo ni = info.get(e.getKey());
				if (ni == null) throw new GanException(
					"the model has no input named '" + e.getKey() + "' (inputs: " + info
						.keySet() + ")");
				ort.put(e.getKey(), OrtTensors.toOrt(env, e.getKey(), e.getValue(),
					(TensorInfo) ni.getInfo()));
			}
			try (AutoCloseable hook = cancel.onCancel(() -> {
				try {
					ro.setTerminate(true);
				}
				catch (OrtException ignored) {
					// the run ends on its own
				}
			});
					OrtSession.Result result = session.run(ort,
						new java.util.LinkedHashSet<>(outputNames), ro))
			{
				Map<String, Tensor> out = new LinkedHashMap<>();
				for (String name : outputNames)
					out.put(name, OrtTensors.fromOrt(name, result.get(name)
						.orElseThrow()));
				return out;
			}
		}
		catch (OrtException e) {
			cancel.throwIfCancelled();
			CancellationToken.throwIfShuttingDown();
			throw new GanException("the model failed to run: " + reason(e) +
				sharedSizeHint(inputs), e);
		}
		catch (GanException e) {
			throw e;
		}
		catch (Exception e) { // from closing the cancel hook; cannot happen
			throw new IllegalStateException(e);
		}
		finally {
			for (OnnxTensor t : ort.values())
				t.close();
		}
	}

	@Override
	public void close() {
		if (closed) return;
		closed = true;
		try {
			// writes the profiler's trace file
			if (profiled) session.endProfiling();
		}
		catch (OrtException e) {
			// the session still closes; the trace is lost
		}
		try {
			session.close();
		}
		catch (OrtException e) {
			// nothing left to free
		}
	}
}
