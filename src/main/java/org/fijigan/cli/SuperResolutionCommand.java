
package org.fijigan.cli;

import org.fijigan.core.model.TaskKind;

import picocli.CommandLine.Command;

@Command(name = "super-resolution", mixinStandardHelpOptions = true,
	description = "Enlarge an image with a super-resolution model; the pixel size shrinks to match.")
final class SuperResolutionCommand extends ImageToImageCommand {

	@Override
	TaskKind task() {
		return TaskKind.SUPER_RESOLUTION;
	}
}
