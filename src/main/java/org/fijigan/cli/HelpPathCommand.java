
package org.fijigan.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code fiji-gan help [COMMAND [SUBCOMMAND...]]}: the help of the command the
 * path names, at any depth ({@code help trust consistency}); picocli's own help
 * command read the first name alone and showed the parent's help for a
 * subcommand.
 */
@Command(name = "help", helpCommand = true,
	description = "Show the help of a command, e.g. 'help trust consistency'.")
final class HelpPathCommand implements CommandLine.IHelpCommandInitializable2,
	Runnable
{

	@Parameters(paramLabel = "COMMAND", arity = "0..*",
		description = "The command, and its subcommand, to show the help of.")
	List<String> path = new ArrayList<>();

	@Option(names = { "-h", "--help" }, usageHelp = true,
		description = "Show this help message and exit.")
	boolean help;

	private CommandLine self;
	private Help.ColorScheme colors;
	private PrintWriter out;

	@Override
	public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme,
		PrintWriter outWriter, PrintWriter errWriter)
	{
		self = helpCommandLine;
		colors = colorScheme;
		out = outWriter;
	}

	@Override
	public void run() {
		CommandLine target = self.getParent();
		for (String name : path) {
			// words past a command of no subcommands are its own (help run extra)
			if (target.getSubcommands().isEmpty()) break;
			CommandLine sub = target.getSubcommands().get(name);
			if (sub == null) throw new ParameterException(self, "no command '" +
				target.getCommandSpec().qualifiedName() + " " + name + "'" + (target
					.getSubcommands().isEmpty() ? "" : "; " + target.getCommandSpec()
						.qualifiedName() + " has " + String.join(", ", target
							.getSubcommands().keySet())));
			target = sub;
		}
		target.usage(out, colors);
	}
}
