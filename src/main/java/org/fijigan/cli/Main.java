
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.io.FileNameEncoding;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.OnnxRuntimeSetup;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.text.Printable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ./fiji-gan} command line. Exit codes: 0 done, 1 the job failed (a
 * missing or corrupt model, an unreadable image, an output that would be
 * overwritten...), 2 the command line is wrong. Every error is one line on
 * stderr, {@code fiji-gan: <message>}; {@code --debug} adds the stack trace.
 */
@Command(name = "fiji-gan", mixinStandardHelpOptions = true,
	versionProvider = Main.Version.class,
	description = "Runs ONNX GAN models on images: super-resolution, denoising, inpainting, generation.")
public final class Main implements Callable<Integer> {

	/** Every subcommand, in the order {@code --help} lists them. */
	static final List<Class<?>> SUBCOMMANDS = List.of(DemoCommand.class,
		SuperResolutionCommand.class, DenoiseCommand.class, InpaintCommand.class,
		GenerateCommand.class, RunCommand.class, InfoCommand.class,
		ModelsCommand.class, FineTuneCommand.class, CreateModelCommand.class,
		PackageModelCommand.class, EvaluateCommand.class,
		MergeManifestsCommand.class, TrustCommand.class, PrepareDataCommand.class,
		HelpPathCommand.class);

	/**
	 * Set by {@link #main} to the time it started (ms since the epoch), for
	 * {@code --timings}.
	 */
	static final String STARTED_PROPERTY = "fijigan.cli.main";

	@Spec
	CommandSpec spec;

	@Option(names = "--debug", scope = ScopeType.INHERIT,
		description = "Print the stack trace of an error.")
	boolean debug;

	public static void main(String[] args) {
		System.setProperty(STARTED_PROPERTY, Long.toString(System
			.currentTimeMillis()));
		OnnxRuntimeSetup.prepare(); // before anything loads ONNX Runtime: its
																// libraries come from the cache
		int code = execute(commandLine(args.length == 0 ? null : args[0]), args,
			System.err);
		System.err.flush();
		CancelOnInterrupt.commandEnded(); // its last line is out
		if (CancelOnInterrupt.signalled()) CancelOnInterrupt.awaitHalt();
		System.exit(code);
	}

	/**
	 * Runs {@code cl}; an {@link OutOfMemoryError}, which passes picocli's
	 * handler, becomes one line on {@code err} instead of a stack trace. What the
	 * command printed must have reached standard output: a full disk, a closed
	 * pipe or a failed device there (which Java's writers only remember) fails a
	 * command that succeeded otherwise, in one line, for its output is lost.
	 */
	static int execute(CommandLine cl, String[] args, java.io.PrintStream err) {
		int code;
		try {
			code = cl.execute(args);
		}
		catch (OutOfMemoryError e) {
			err.println("fiji-gan: out of Java memory (" + Runtime.getRuntime()
				.maxMemory() / (1 << 20) + " MiB at most): give Java more " +
				"(JAVA_OPTS=-Xmx16g), or use smaller images, tiles (--tile) or batches");
			return CommandLine.ExitCode.SOFTWARE;
		}
		// the command's writer first: flushing it hands its text to System.out
		boolean lost = cl.getOut().checkError();
		lost |= System.out.checkError();
		if (lost && code == CommandLine.ExitCode.OK && resultOnStandardOutput(cl)) {
			err.println("fiji-gan: could not write to standard output (a full " +
				"disk, or a closed pipe): the command's output is lost");
			return CommandLine.ExitCode.SOFTWARE;
		}
		return code;
	}

	/**
	 * Whether the command {@code cl} ran printed its result
	 * ({@link ResultOnStandardOutput}); help and version text and the progress of
	 * a command that writes files are no loss where they reach no reader (a
	 * script's {@code | grep -q}, {@code | head -1}, a closed stdout).
	 */
	private static boolean resultOnStandardOutput(CommandLine cl) {
		ParseResult pr = cl.getParseResult();
		if (pr == null) return false;
		while (pr.subcommand() != null)
			pr = pr.subcommand();
		if (pr.isUsageHelpRequested() || pr.isVersionHelpRequested()) return false;
		return pr.commandSpec().userObject() instanceof ResultOnStandardOutput r &&
			r.resultOnStandardOutput();
	}

	/**
	 * The whole command tree with its converters and error handlers. Tests call
	 * {@code setOut}/{@code setErr} on it to capture what a run prints.
	 */
	public static CommandLine commandLine() {
		return commandLine(null);
	}

	/**
	 * As {@link #commandLine()}, but when {@code first} (the first argument)
	 * names a subcommand, with that subcommand only: picocli reads the
	 * annotations of every command it is given, which took a third of a second of
	 * each one-image command's start (docs/performance.md). Anything else (no
	 * argument, an option, {@code help}, a misspelt command) gets the whole tree,
	 * so help and suggestions list every command.
	 */
	static CommandLine commandLine(String first) {
		Class<?> only = null;
		for (Class<?> c : SUBCOMMANDS)
			if (c != HelpPathCommand.class && c.getAnnotation(Command.class).name()
				.equals(first)) only = c;
		CommandLine cl = new CommandLine(new Main());
		for (Class<?> c : SUBCOMMANDS)
			if (only == null || c == only) cl.addSubcommand(c);
		// after the subcommands exist: registerConverter reaches only the commands
		// present now
		cl.registerConverter(TaskKind.class, converter(TaskKind::parse));
		cl.registerConverter(ValueRange.class, converter(ValueRange::parse));
		cl.registerConverter(DeviceSpec.class, converter(DeviceSpec::parse));
		cl.registerConverter(Normalization.class, converter(Normalization::parse));
		// every command's --help lists -V, --version, which printed nothing on a
		// subcommand (the job not run, exit 0) when the root alone had a provider
		giveVersion(cl);
		// picocli's own strategies replace the writers given to setOut and setErr
		// when System.out or System.err is not the stream it was when the strategy
		// was made, as while another thread reads a file through ImageJ (whose
		// prints are kept apart, thread by thread): the output of a command run
		// in-process beside others then went to the console. A strategy of ours is
		// left alone
		CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
		cl.setExecutionStrategy(pr -> {
			escapeOutput(pr);
			return runLast.execute(pr);
		});
		cl.setParameterExceptionHandler(Main::usageError);
		cl.setExecutionExceptionHandler(Main::failure);
		return cl;
	}

	/** Gives {@code cl}'s subcommands, to any depth, the root's version text. */
	private static void giveVersion(CommandLine cl) {
		for (CommandLine sub : cl.getSubcommands().values()) {
			sub.getCommandSpec().versionProvider(new Version());
			giveVersion(sub);
		}
	}

	/**
	 * Sends the standard output of the command {@code pr} runs through
	 * {@link PrintableOut}, so that no control character from a file reaches the
	 * terminal. Help and version text are left as picocli writes them.
	 */
	private static void escapeOutput(ParseResult pr) {
		ParseResult last = pr;
		for (ParseResult p = pr; p != null; p = p.subcommand()) {
			if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return;
			last = p;
		}
		if (last.commandSpec().commandLine()
			.getCommand() instanceof HelpPathCommand) return;
		// on the root, which passes it to every subcommand: a root without a
		// writer of its own makes one when first asked, and hands that one down,
		// over a writer given to the subcommand alone
		CommandLine root = pr.commandSpec().commandLine();
		root.setOut(PrintableOut.of(root.getOut()));
	}

	@Override
	public Integer call() {
		spec.commandLine().usage(spec.commandLine().getErr());
		return CommandLine.ExitCode.USAGE;
	}

	/**
	 * Turns a core parser's {@link GanException} into a picocli usage error (exit
	 * code 2).
	 */
	static <T> ITypeConverter<T> converter(
		java.util.function.Function<String, T> parse)
	{
		return text -> {
			try {
				return parse.apply(text);
			}
			catch (GanException e) {
				throw new TypeConversionException(e.getMessage());
			}
		};
	}

	private static int usageError(ParameterException e, String[] args) {
		CommandLine cmd = e.getCommandLine();
		PrintWriter err = cmd.getErr();
		String message = e.getMessage();
		if (e instanceof UnmatchedArgumentException u) {
			if (cmd.getCommandSpec().parent() == null && !u.getUnmatched().get(0)
				.startsWith("-")) message = "unknown command '" + u.getUnmatched().get(
					0) + "'";
			if (!u.getSuggestions().isEmpty()) message += "; did you mean " + String
				.join(" or ", u.getSuggestions()) + "?";
		}
		err.println("fiji-gan: " + Printable.of(message) + " (see '" + cmd
			.getCommandSpec().qualifiedName() + " --help')");
		if (isDebug(cmd.getParseResult())) e.printStackTrace(err);
		err.flush();
		return cmd.getCommandSpec().exitCodeOnInvalidInput();
	}

	private static int failure(Exception e, CommandLine cmd,
		ParseResult parseResult)
	{
		PrintWriter err = cmd.getErr();
		err.println("fiji-gan: " + message(e));
		if (isDebug(parseResult)) e.printStackTrace(err);
		err.flush();
		return CommandLine.ExitCode.SOFTWARE;
	}

	/**
	 * One line for the user: ours are written for them, others get their type
	 * named. Control characters are escaped ({@link Printable}), so that a path
	 * or a file's text with a line break cannot break the line; only the
	 * {@link GanException#details()} of one of ours start lines of their own.
	 */
	static String message(Throwable e) {
		if (e instanceof GanException g && g.getMessage() != null) {
			StringBuilder sb = new StringBuilder(Printable.of(g.headline()));
			for (String detail : g.details())
				sb.append("\n  ").append(Printable.of(detail));
			return sb.toString();
		}
		return Printable.of(plainMessage(e));
	}

	private static String plainMessage(Throwable e) {
		if (e instanceof NoSuchFileException f) return "file not found: " + f
			.getFile();
		if (e instanceof AccessDeniedException f) return "permission denied: " + f
			.getFile();
		if (e instanceof FileSystemException f) return f.getMessage();
		// a name given in characters the locale's file-name encoding lacks, which
		// Java read as '?'
		if (e instanceof java.nio.file.InvalidPathException p)
			return "cannot use " + p.getInput() + ": " + (p.getInput().indexOf(
				'\uFFFD') >= 0 ? FileNameEncoding.why() : p.getReason());
		String m = e.getMessage() == null ? "" : ": " + e.getMessage().lines()
			.findFirst().orElse("");
		return "unexpected " + e.getClass().getSimpleName() + m +
			" (run with --debug for details)";
	}

	private static boolean isDebug(ParseResult pr) {
		for (; pr != null; pr = pr.subcommand())
			if (pr.hasMatchedOption("--debug")) return true;
		return false;
	}

	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			String v = Main.class.getPackage().getImplementationVersion();
			return new String[] { "fiji-gan " + (v == null ? "(development build)"
				: v) };
		}
	}
}
