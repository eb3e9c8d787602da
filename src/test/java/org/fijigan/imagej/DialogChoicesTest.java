
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.ExecutionProvider;
import org.fijigan.core.engine.ModelSession;
import org.junit.jupiter.api.Test;

import ij.ImagePlus;
import ij.process.ByteProcessor;

/**
 * What the dialogs offer beside their fields: known models, devices, folded
 * options, preview.
 */
class DialogChoicesTest {

	@Test
	void modelChooserListsBundledInstalledThenRecentOnce() {
		Map<String, String> expected = new LinkedHashMap<>();
		expected.put(ModelChoices.TYPED, "");
		expected.put("bundled: care", "care");
		expected.put("installed: dncnn", "dncnn");
		expected.put("installed: esrgan", "esrgan");
		expected.put("recent: /data/my.onnx", "/data/my.onnx");
		assertEquals(expected, ModelChoices.entries(List.of("care", "dncnn"), List
			.of("dncnn", "esrgan"), List.of("esrgan", "/data/my.onnx", " ")));
		assertEquals(List.of("a", "c", "b"), ModelChoices.withRecent(List.of("c",
			"a", "b"), "a"));
		List<String> nine = IntStream.range(0, 9).mapToObj(i -> "m" + i).toList();
		List<String> recent = ModelChoices.withRecent(nine, "new");
		assertEquals(ModelChoices.RECENT_MAX, recent.size());
		assertEquals("new", recent.get(0));
		assertEquals("m6", recent.get(ModelChoices.RECENT_MAX - 1));
	}

	@Test
	void deviceChoicesAreAutoThenTheProvidersThatLoad() {
		String[] devices = ModelChoices.devices();
		assertEquals("auto", devices[0]);
		assertEquals("cpu", devices[1]); // always loads
		List<String> available = ModelSession.availableProviders().stream().map(
			ExecutionProvider::id).toList();
		for (String d : Arrays.copyOfRange(devices, 1, devices.length))
			assertTrue(available.contains(d.replace(":0:strict", "").replace(
				":strict", "")), d + " is listed but not in this ONNX Runtime build");
		assertArrayEquals(new String[] { "auto", "cpu", "cuda", "directml",
			"cuda:0:strict", "directml:0:strict" }, ModelChoices.devices(List.of(
				ExecutionProvider.CPU, ExecutionProvider.CUDA,
				ExecutionProvider.DIRECTML)));
	}

	@Test
	void deviceIsAChoiceInTheDialogYetAMacroMayNameAnotherDevice() {
		DenoiseCommand c = new DenoiseCommand();
		List<ParameterDialog.Item> items = ParameterDialog.dialogItems(c);
		ParameterDialog.Item device = items.stream().filter(i -> i.key().equals(
			"device")).findFirst().orElseThrow();
		assertArrayEquals(ModelChoices.devices(), device.choices());
		assertTrue(device.suggestions());
		ParameterDialog.readOptions(c, items, "model=m device=cuda:1");
		assertEquals("cuda:1", c.device);
		ParameterDialog.readOptions(c, items, "model=m device=cuda:1:strict");
		assertEquals(new org.fijigan.core.engine.DeviceSpec(ExecutionProvider.CUDA,
			1, true), c.options().device());
		ParameterDialog.readOptions(c, items, "model=m device=CPU");
		assertEquals("cpu", c.device);
		// a fixed choice still refuses what it does not list
		assertThrows(GanException.class, () -> ParameterDialog.readOptions(c, items,
			"prediction=residual"));
	}

	@Test
	void advancedFieldsComeLastInTheDialogAndKeysStayTheSame() {
		List<ParameterDialog.Item> items = ParameterDialog.dialogItems(
			new SuperResolutionCommand());
		assertEquals(
			"model device float scale tile halo normalize threads nonfinite timings",
			ParameterDialog.dialogOrder(items).stream().map(ParameterDialog.Item::key)
				.collect(Collectors.joining(" ")));
		assertEquals(List.of("tile", "halo", "normalize", "threads", "nonfinite",
			"timings"), ParameterDialog.ADVANCED_KEYS);
	}

	@Test
	void previewOnlyWithADisplayOutsideMacrosForImageCommands() {
		ImagePlus image = new ImagePlus("x", new ByteProcessor(8, 8));
		assertTrue(Preview.isPossible(false, null, new DenoiseCommand(), image));
		assertFalse(Preview.isPossible(true, null, new DenoiseCommand(), image),
			"headless");
		assertFalse(Preview.isPossible(false, "model=m", new DenoiseCommand(),
			image), "macro");
		assertFalse(Preview.isPossible(false, null, new GenerateCommand(), image),
			"no input image");
		assertFalse(Preview.isPossible(false, null, new DenoiseCommand(), null),
			"no image open");
	}

	@Test
	void headlessDialogNeverStartsAPreview() {
		// here (java.awt.headless=true) ask() returns before any dialog: the
		// defaults stand, no window
		DenoiseCommand c = new DenoiseCommand();
		ImagePlus image = new ImagePlus("x", new ByteProcessor(8, 8));
		assertTrue(ParameterDialog.ask(c, "Denoise", "fiji-gan.test-denoise",
			image));
		assertEquals(0, ij.WindowManager.getImageCount());
		assertEquals(null, c.output);
	}

	@Test
	void previewRegionIsTheVisibleRectangleCutAroundItsCentre() {
		assertEquals(new Rectangle(0, 0, 100, 80), Preview.region(null, 100, 80,
			256));
		assertEquals(new Rectangle(122, 72, 256, 256), Preview.region(null, 500,
			400, 256));
		// zoomed in: the visible part, whole
		assertEquals(new Rectangle(40, 30, 64, 48), Preview.region(new Rectangle(40,
			30, 64, 48), 500, 400, 256));
		// a canvas rectangle running off the image is clipped first
		assertEquals(new Rectangle(450, 350, 50, 50), Preview.region(new Rectangle(
			450, 350, 200, 200), 500, 400, 256));
		assertEquals(new Rectangle(172, 172, 256, 256), Preview.region(
			new Rectangle(0, 0, 600, 600), 600, 600, 256));
	}
}
