
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.process.FloatProcessor;

/**
 * The commands as Fiji and SciJava scripts see them: valid modules, runnable
 * with named inputs (run without pre-processing, so no persisted value from an
 * earlier session leaks in).
 */
class SciJavaCommandTest {

	@Test
	void everyCommandIsAValidModuleAndDenoiseRunsThroughCommandService(
		@TempDir Path dir) throws Exception
	{
		try (Context context = new Context(CommandService.class)) {
			CommandService commands = context.service(CommandService.class);
			for (Class<? extends org.scijava.command.Command> type : CommandBridge.COMMANDS
				.values())
			{
				CommandInfo info = commands.getCommand(type);
				assertNotNull(info, type + " is not in the plugin index");
				assertTrue(info.isValid(), type + ": " + info.getProblems());
			}
			ImagePlus image = new ImagePlus("x", new FloatProcessor(2, 1,
				new float[] { 1, 2 }));
			CommandModule module = commands.run(DenoiseCommand.class, false, Map.of(
				"image", image, "model", OnnxModels.addConstant(1, 0.25f).write(dir,
					"add.onnx").toString(), "normalize", "none", "floatOutput", true,
				"threads", 1)).get();
			ImagePlus output = (ImagePlus) module.getOutput("output");
			assertEquals(1.25f, output.getProcessor().getf(0));
			assertEquals(2.25f, output.getProcessor().getf(1));
		}
	}
}
