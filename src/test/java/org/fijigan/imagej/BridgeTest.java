
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

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
			"model data targets output task training masked neighbourhood line steps batch patch augment optimizer learning loss adversarial gan gradient gamma lazy discriminator width spectral diffaugment ada minibatch ttur updates adam ema constant normalize seed validation device threads checkpoint resume replace overwrite"), //
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
