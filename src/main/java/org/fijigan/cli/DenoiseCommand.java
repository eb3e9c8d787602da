
package org.fijigan.cli;

import org.fijigan.core.model.TaskKind;

import picocli.CommandLine.Command;

@Command(name = "denoise", mixinStandardHelpOptions = true,
	description = "Remove noise with a denoising model (use --residual if it outputs the noise).")
final class DenoiseCommand extends ImageToImageCommand {

	@Override
	TaskKind task() {
		return TaskKind.DENOISE;
	}
}
