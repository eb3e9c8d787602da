
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.Macro;

/**
 * The ImageJ 1 bridge: plugins.config, dialog keys, and macro options read
 * without a display.
 */
class BridgeTest {

	private static final Map<Class<?>, String> KEYS = Map.ofEntries( //
		Map.entry(DemoCommand.class, "seed output overwrite device threads"), //
		Map.entry(SuperResolutionCommand.class,
			"model tile halo normalize device threads float nonfinite timings scale"), //
		Map.entry(DenoiseCommand.class,
			"model tile halo normalize device threads float nonfinite timings prediction"), //
		Map.entry(InpaintCommand.class,
			"model tile halo normalize device threads float nonfinite timings mask keep"), //
		Map.entry(RunModelCommand.class,
			"model tile halo normalize device threads float nonfinite timings task scale range"), //
		Map.entry(GenerateCommand.class,
			"model count seed class latent device threads float nonfinite timings"), //
		Map.entry(BatchProcessFolderCommand.class,
			"model input output task mask format tile halo normalize device threads float nonfinite timings shard fail overwrite"), //
		Map.entry(FineTuneCommand.class,
			"model data targets output task training masked neighbourhood line steps batch patch augment optimizer learning schedule loss adversarial gan gradient gamma lazy discriminator width spectral diffaugment ada minibatch ttur updates adam ema constant normalize degradation freeze seed validation validate device threads checkpoint interval resume replace overwrite"), //
		Map.entry(CreateModelCommand.class,
			"architecture output scale channels classes latent width blocks size initialisation seed overwrite"), //
		Map.entry(EvaluateCommand.class,
			"model data training task images count utility draws seed normalize device threads"), //
		Map.entry(ModelInfoCommand.class, "model"), //
		Map.entry(ManageModelsCommand.class, "action model name checksum folder"), //
		Map.entry(ShowChangesCommand.class, "original show mask"));

	@Test
	void pluginsConfigListsEveryCommandExactlyOnce() {
		List<PluginsConfig.Entry> entries = PluginsConfig.entries();
		assertEquals(List.of("Demo...", "Super-Resolution...", "Denoise...",
			"Inpaint...", "Generate Synthetic Images...", "Run ONNX Model...",
			"Batch Process Folder...", "Fine-Tune Model...", "Create Model...",
			"Evaluate Model...", "Model Info...", "Manage Models...",
			"Show What The GAN Changed..."), entries.stream().map(
				PluginsConfig.Entry::command).toList());
		List<Class<?>> commands = new ArrayList<>();
		for (PluginsConfig.Entry e : entries) {
			assertEquals("Plugins>GAN", e.menuPath());
			assertEquals(GanPlugIn.class.getName(), e.className());
			assertTrue(CommandBridge.COMMANDS.containsKey(e.argument()), e
				.argument());
			commands.add(CommandBridge.COMMANDS.get(e.argument()));
		}
		assertEquals(CommandBridge.COMMANDS.size(), commands.size());
		assertEquals(new HashSet<>(CommandBridge.COMMANDS.values()), new HashSet<>(
			commands));
		assertEquals("org.fijigan.imagej.GanPlugIn(\"denoise\")", entries.get(2)
			.target());
	}

	@Test
	void commandsAreHeadlessSciJavaCommandsWithoutMenus() {
		for (Class<?> type : CommandBridge.COMMANDS.values()) {
			Plugin plugin = type.getAnnotation(Plugin.class);
			assertEquals(Command.class, plugin.type(), type.getName());
			assertTrue(plugin.headless(), type.getName());
			assertEquals("", plugin.menuPath(), type +
				": menus come from plugins.config");
			assertEquals(0, plugin.menu().length, type.getName());
			assertFalse(plugin.label().isEmpty(), type.getName());
		}
	}

	@Test
	void everyParameterIsReachableThroughTheBridgeByItsMacroKey() {
		for (Class<?> type : CommandBridge.COMMANDS.values()) {
			List<ParameterDialog.Item> items = ParameterDialog.items(type);
			assertEquals(KEYS.get(type), items.stream().map(ParameterDialog.Item::key)
				.collect(Collectors.joining(" ")), type.getSimpleName());
			Set<Field> inDialog = items.stream().map(ParameterDialog.Item::field)
				.collect(Collectors.toSet());
			for (Class<?> c = type; c != Object.class; c = c.getSuperclass())
				for (Field f : c.getDeclaredFields()) {
					Parameter p = f.getAnnotation(Parameter.class);
					if (p == null) continue;
					boolean image = f.getType() == ImagePlus.class;
					assertEquals(!image, inDialog.contains(f), f.toString());
					if (image) assertTrue(p.type() == ItemIO.OUTPUT || ParameterDialog
						.takesImage(type), f.toString());
				}
		}
		assertTrue(ParameterDialog.takesImage(InpaintCommand.class));
		assertFalse(ParameterDialog.takesImage(GenerateCommand.class));
	}

	/**
	 * A bad fiji-gan.residual key in Denoise names the dialog's Prediction, not
	 * the command line's flag; Run ONNX Model, which has no such choice, names
	 * none.
	 */
	@Test
	void aBadResidualKeyNamesWhatTheDialogOffers(@TempDir Path dir) {
		String model = OnnxModels.identity(1).metadata("fiji-gan.task", "denoise")
			.metadata("fiji-gan.residual", "yes").write(dir, "r.onnx").toString();
		String refused = "model r.onnx: ONNX metadata fiji-gan.residual yes is " +
			"not one of its values: give subtract (the output is the noise: result " +
			"= input - output) or none (also false, no or direct: the output is the " +
			"result)";
		assertEquals(refused + ", or state which with Prediction (image or noise)",
			assertThrows(GanException.class, () -> ModelLoader.load(model,
				new DenoiseCommand().overrides(null))).getMessage());
		assertEquals(refused, assertThrows(GanException.class, () -> ModelLoader
			.load(model, new RunModelCommand().overrides(null))).getMessage());
	}

	@Test
	void macroOptionsSetFieldsAsGenericDialogReadsThem() {
		DenoiseCommand c = new DenoiseCommand();
		c.floatOutput = true; // an absent checkbox is off in a macro
		ParameterDialog.readOptions(c, ParameterDialog.items(DenoiseCommand.class),
			"model=[/data/my float models/dn.onnx] tile=256 normalize=percentile:2,99 threads=3 prediction=noise");
		assertEquals("/data/my float models/dn.onnx", c.model);
		assertEquals("256", c.tile);
		assertEquals("auto", c.halo);
		assertEquals("percentile:2,99", c.normalize);
		assertEquals(3, c.threads);
		assertEquals("noise", c.prediction);
		assertFalse(c.floatOutput);

		ParameterDialog.readOptions(c, ParameterDialog.items(DenoiseCommand.class),
			"float");
		assertTrue(c.floatOutput);
		assertEquals("/data/my float models/dn.onnx", c.model);

		GenerateCommand g = new GenerateCommand();
		ParameterDialog.readOptions(g, ParameterDialog.items(GenerateCommand.class),
			"model=gan count=4 seed=9007199254740993 class=[coronal] latent=/tmp/z.npy");
		assertEquals(4, g.count);
		assertEquals(9007199254740993L, g.seed);
		assertEquals("coronal", g.classes);
		assertEquals(new File("/tmp/z.npy"), g.latent);
		ParameterDialog.readOptions(g, ParameterDialog.items(GenerateCommand.class),
			"latent=[]");
		assertNull(g.latent);
	}

	/**
	 * ImageJ's Macro.getValue takes the first {@code key=} in the options, even
	 * one inside another key's bracketed value: a model in a folder named
	 * {@code runs/count=9 seed=5 x/} ran with count 9 and seed 5.
	 */
	@Test
	void aKeyInsideAnotherKeysBracketedValueIsPartOfThatValue() {
		List<ParameterDialog.Item> generate = ParameterDialog.items(
			GenerateCommand.class);
		GenerateCommand g = new GenerateCommand();
		ParameterDialog.readOptions(g, generate,
			"model=[runs/count=9 seed=5 float x/g [v2].onnx] device='cuda:1' count=3");
		assertEquals("runs/count=9 seed=5 float x/g [v2].onnx", g.model);
		assertEquals(3, g.count);
		assertEquals(0L, g.seed, "seed not given: its default");
		assertFalse(g.floatOutput, "float is a word of the model's path");
		assertEquals("cuda:1", g.device);
		ParameterDialog.readOptions(g, generate,
			"latent=[a seed=5/z.npy] model=m seed=2 seed=7");
		assertEquals(2L, g.seed, "the first of a key given twice, as ImageJ");
		assertEquals(new File("a seed=5/z.npy"), g.latent);

		assertEquals("the macro value of 'model' opens a bracket [ that is never " +
			"closed: write model=[...] with its closing ]", assertThrows(
				GanException.class, () -> ParameterDialog.readOptions(
					new GenerateCommand(), generate, "model=[runs/a seed=5"))
				.getMessage());
		assertEquals("the macro value of 'model' opens a quote ' that is never " +
			"closed: write model='...' with its closing '", assertThrows(
				GanException.class, () -> ParameterDialog.readOptions(
					new GenerateCommand(), generate, "model='runs/a seed=5"))
				.getMessage());
	}

	@Test
	void wrongMacroValuesAreClearErrors() {
		List<ParameterDialog.Item> items = ParameterDialog.items(
			DenoiseCommand.class);
		GanException choice = assertThrows(GanException.class, () -> ParameterDialog
			.readOptions(new DenoiseCommand(), items, "prediction=residual"));
		assertEquals(
			"'residual' is not a choice for prediction: use one of auto, image, noise",
			choice.getMessage());
		GanException number = assertThrows(GanException.class, () -> ParameterDialog
			.readOptions(new DenoiseCommand(), items, "threads=many"));
		assertEquals("threads must be a number, not 'many'", number.getMessage());
		// an integer field was given the nearest whole number (count=2.6 made 3
		// images) or the largest int
		List<ParameterDialog.Item> generate = ParameterDialog.items(
			GenerateCommand.class);
		GanException fraction = assertThrows(GanException.class,
			() -> ParameterDialog.readOptions(new GenerateCommand(), generate,
				"model=g count=2.6"));
		assertEquals("count must be a whole number, not '2.6'", fraction
			.getMessage());
		GanException seed = assertThrows(GanException.class, () -> ParameterDialog
			.readOptions(new GenerateCommand(), generate, "model=g seed=1.5"));
		assertEquals("seed must be a whole number, not '1.5'", seed.getMessage());
		GanException large = assertThrows(GanException.class, () -> ParameterDialog
			.readOptions(new DenoiseCommand(), items, "threads=1e12"));
		assertEquals("threads must be a whole number from -2147483648 to " +
			"2147483647, not '1e12'", large.getMessage());
		GenerateCommand g = new GenerateCommand();
		ParameterDialog.readOptions(g, generate, "model=g count=4.0 seed=-7");
		assertEquals(4, g.count);
		assertEquals(-7L, g.seed);
	}

	/**
	 * ImageJ's dialog ignores a key it does not know, so a misspelt key ran with
	 * the field's default: normalise=none normalised by percentiles.
	 */
	@Test
	void aKeyTheCommandDoesNotKnowIsRefused() {
		List<ParameterDialog.Item> denoise = ParameterDialog.dialogOrder(
			ParameterDialog.dialogItems(new DenoiseCommand()));
		GanException misspelt = assertThrows(GanException.class,
			() -> ParameterDialog.refuseUnknownKeys(denoise,
				"model=[/m m.onnx] normalise=none threads=1 float", "Denoise"));
		assertEquals("Denoise has no field with the macro key 'normalise': did " +
			"you mean 'normalize'?", misspelt.getMessage());
		GanException tiles = assertThrows(GanException.class, () -> ParameterDialog
			.refuseUnknownKeys(denoise, "model=m tiles=abc", "Denoise"));
		assertEquals("Denoise has no field with the macro key 'tiles': did you " +
			"mean 'tile'?", tiles.getMessage());
		GanException bare = assertThrows(GanException.class, () -> ParameterDialog
			.refuseUnknownKeys(denoise, "model=m normalize=percentile:1, 99",
				"Denoise"));
		assertEquals("Denoise has no field with the macro key '99'; its keys are " +
			"model, device, float, prediction, tile, halo, normalize, threads, " +
			"nonfinite, timings", bare.getMessage());
		GanException renamed = assertThrows(GanException.class,
			() -> ParameterDialog.refuseUnknownKeys(ParameterDialog.dialogItems(
				new FineTuneCommand()), "model=m structn2v=none", "Fine-Tune Model"));
		assertEquals("Fine-Tune Model has no field with the macro key " +
			"'structn2v': did you mean 'line'?", renamed.getMessage());

		// the macros the documentation and the recorder write, and values with
		// spaces and brackets of their own
		for (String[] ok : new String[][] { { "denoise",
			"model=[/data/run [1] x/m.onnx] normalize='percentile:1, 99' float" }, {
				"denoise",
				"model=denoise tile=auto halo=auto normalize=auto device=auto threads=0 prediction=auto float nonfinite=fail timings" },
			{ "fine-tune",
				"model=denoise data=[/data/noisy] output=[/data/denoise-mine.onnx] task=denoise training=[no clean images (Noise2Void)] masked=0.016 neighbourhood=5 line=none steps=400 batch=4 patch=64 learning=0.00001 loss=auto" },
			{ "create-model",
				"architecture=dcgan output=[/data/gen.onnx] channels=1 classes=axial,coronal,sagittal latent=64 width=16 size=64 seed=1" },
			{ "manage-models",
				"action=install model=[https://example.org/m.onnx] name=m checksum=[] folder=[]" },
			{ "show-changes", "original=cells.png show=auto mask=selection" }, {
				"inpaint", "model=inpaint mask=selection keep threads=1" }, {
					"generate",
					"model=mri-generator count=3 seed=1 class=coronal-2 threads=1" } })
		{
			Command c = newCommand(CommandBridge.COMMANDS.get(ok[0]));
			ParameterDialog.refuseUnknownKeys(ParameterDialog.dialogItems(c), ok[1],
				ok[0]);
		}
	}

	/**
	 * ImageJ reads a checkbox by its bare word, so keep=true and float=1 passed
	 * the key check and ran unticked: the composite was left out and the result
	 * was 8-bit.
	 */
	@Test
	void aCheckboxGivenAValueIsRefused() {
		Thread thread = Thread.currentThread();
		String name = thread.getName();
		thread.setName("Run$_" + name); // ImageJ reads options on such threads
		try {
			Macro.setOptions("model=inpaint-fast mask=selection keep=true threads=1");
			GanException keep = assertThrows(GanException.class, () -> ParameterDialog
				.ask(new InpaintCommand(), "Inpaint", "fiji-gan.test-inpaint"));
			assertEquals("Inpaint: the macro key 'keep' is a checkbox and takes no " +
				"value (ImageJ reads keep=... as unticked): tick it with the bare " +
				"word 'keep', untick it by leaving it out", keep.getMessage());
		}
		finally {
			Macro.setOptions(null);
			thread.setName(name);
		}
		List<ParameterDialog.Item> denoise = ParameterDialog.dialogItems(
			new DenoiseCommand());
		for (String options : new String[] { "model=denoise threads=1 float=true",
			"model=denoise float=1", "model=denoise float=[yes]",
			"model=denoise float='true'" })
		{
			GanException e = assertThrows(GanException.class, () -> ParameterDialog
				.refuseUnknownKeys(denoise, options, "Denoise"), options);
			assertTrue(e.getMessage().startsWith("Denoise: the macro key 'float' " +
				"is a checkbox and takes no value"), e.getMessage());
		}
		// the bare word, and leaving it out, stay as they were
		ParameterDialog.refuseUnknownKeys(denoise, "model=denoise float timings",
			"Denoise");
		ParameterDialog.refuseUnknownKeys(denoise, "model=denoise threads=1",
			"Denoise");
	}

	private static Command newCommand(Class<? extends Command> type) {
		try {
			return type.getConstructor().newInstance();
		}
		catch (ReflectiveOperationException e) {
			throw new AssertionError(e);
		}
	}

	/**
	 * A macro's options go through the checks before any field is set, as the
	 * menu entry reads them.
	 */
	@Test
	void askRefusesAMisspeltKeyAndAFractionalCount() {
		Thread thread = Thread.currentThread();
		String name = thread.getName();
		thread.setName("Run$_" + name); // ImageJ reads options on such threads
		try {
			Macro.setOptions("model=m normalise=none threads=1");
			GanException key = assertThrows(GanException.class, () -> ParameterDialog
				.ask(new DenoiseCommand(), "Denoise", "fiji-gan.test-denoise"));
			assertEquals("Denoise has no field with the macro key 'normalise': " +
				"did you mean 'normalize'?", key.getMessage());
			Macro.setOptions("model=mri-generator count=2.6");
			GanException count = assertThrows(GanException.class,
				() -> ParameterDialog.ask(new GenerateCommand(), "Generate",
					"fiji-gan.test-generate"));
			assertEquals("count must be a whole number, not '2.6'", count
				.getMessage());
		}
		finally {
			Macro.setOptions(null);
			thread.setName(name);
		}
	}

	/**
	 * Names a field it does not declare: a programming error, refused when the
	 * dialog is built.
	 */
	@BeforeInherited({ "input", "nothing" })
	public static final class MisnamedOrder extends InferenceCommand {

		@Parameter(label = "Input")
		String input = "";

		@Override
		protected void execute() {}
	}

	@Test
	void
		sharedInferenceOptionsAreDeclaredOnceAndPlacedAfterTheFieldsACommandPutsFirst()
	{
		assertEquals(
			"model tile halo normalize device threads float nonfinite timings",
			ParameterDialog.items(InferenceCommand.class).stream().map(
				ParameterDialog.Item::key).collect(Collectors.joining(" ")));
		for (Class<?> type : List.of(ImageCommand.class,
			BatchProcessFolderCommand.class))
			for (String name : List.of("tile", "halo", "normalize", "device",
				"threads", "floatOutput"))
				assertThrows(NoSuchFieldException.class, () -> type.getDeclaredField(
					name), type + "." + name);
		IllegalStateException e = assertThrows(IllegalStateException.class,
			() -> ParameterDialog.items(MisnamedOrder.class));
		assertEquals(MisnamedOrder.class +
			": @BeforeInherited [input, nothing] names a field that is not " +
			"one of its own @Parameter fields", e.getMessage());
	}

	@Test
	void keysAreUniqueLowerCaseWords() {
		Map<String, Integer> seen = new TreeMap<>();
		for (Class<?> type : CommandBridge.COMMANDS.values()) {
			Set<String> keys = new HashSet<>();
			for (ParameterDialog.Item i : ParameterDialog.items(type)) {
				assertTrue(i.key().matches("[a-z]+"), i.key());
				assertTrue(keys.add(i.key()), type.getSimpleName() + " repeats " + i
					.key());
				seen.merge(i.key(), 1, Integer::sum);
			}
		}
		// every command takes a model but Show What The GAN Changed, which
		// compares images, the Demo, which runs the bundled models, and Create
		// Model, which writes one
		assertEquals(CommandBridge.COMMANDS.size() - 3, seen.get("model"));
	}
}
