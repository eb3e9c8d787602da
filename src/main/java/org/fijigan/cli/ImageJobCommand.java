
package org.fijigan.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A job command that reads images, and so in folder mode chooses which files of
 * the input folder it takes ({@code --include}); generate reads none and does
 * not offer it.
 */
abstract class ImageJobCommand extends JobCommand {

	@Option(names = "--include", paramLabel = "GLOB",
		description = "Folder mode: the inputs to take, a glob on the relative path or, without /, " +
			"the file name, e.g. '*.dcm' (default: every file of a format ImageJ opens).")
	String include;

	@Override
	void refuseFolderOptions() {
		if (include != null) throw new ParameterException(spec.commandLine(),
			"--include is for folder mode: " + FILE_MODE_ADVICE);
		super.refuseFolderOptions();
	}
}
