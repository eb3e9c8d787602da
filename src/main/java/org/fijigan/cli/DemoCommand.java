
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.fijigan.core.demo.ContactSheet;
import org.fijigan.core.demo.Demo;
import org.fijigan.core.demo.DemoFiles;
import org.fijigan.core.demo.DemoOptions;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.demo.DemoReport;
import org.fijigan.ij1.DemoResources;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
	"Run every bundled default model on the bundled sample images, beside a " +
		"classical baseline: super-resolution x2 and x4, denoising, inpainting, MRI slice generation.",
	"Writes the inputs, baselines and model outputs as PNG, contact-sheet.png (rows = tasks; " +
		"columns = input | classical baseline | GAN, PSNR/SSIM under each) and metrics.csv; " +
		"prints the metrics. A model that is not bundled skips its row with a note." })
final class DemoCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = { "-o", "--output" }, paramLabel = "DIR",
		defaultValue = DemoFiles.DEFAULT_FOLDER,
		description = "Folder to write (default: ${DEFAULT-VALUE} in the current folder); refused when " +
			"it holds files, unless --overwrite.")
	Path output;

	@Option(names = "--overwrite",
		description = "Write into DIR even when it holds files, replacing the demo's.")
	boolean overwrite;

	@Option(names = "--seed", paramLabel = "S", defaultValue = "" +
		DemoOptions.DEFAULT_SEED,
		description = "Seed of the noise and of the generated images (default: ${DEFAULT-VALUE}).")
	long seed;

	@Mixin
	DeviceFlags run;

	@Override
	public Integer call() {
		DemoReport report;
		ContactSheet sheet;
		List<Path> written;
		List<String> putBack;
		try (DemoFiles.Claim claim = DemoFiles.claim(output, overwrite,
			"pass --overwrite", "fiji-gan demo --seed " + seed))
		{
			putBack = claim.notes();
			// the signal hook covers the writing too: Ctrl-C while the files are
			// made leaves the folder as it was
			try (CancelOnInterrupt interrupt = new CancelOnInterrupt()) {
				try (ConsoleProgress progress = ConsoleProgress.toTerminal(spec
					.commandLine().getErr()))
				{
					report = Demo.run(DemoResources.samples(), Demo.BUNDLED,
						new DemoOptions(seed, run.device, run.threads), progress, interrupt
							.token());
				}
				sheet = ContactSheet.layout(report);
				written = DemoFiles.write(report, DemoResources.renderRaster(sheet),
					claim.dir(), ImageFiles.CODEC, overwrite, interrupt.token());
			}
		}
		PrintWriter out = spec.commandLine().getOut();
		for (String note : putBack)
			out.println("note: " + note);
		for (String line : table(report))
			out.println(line);
		for (String note : report.notes())
			out.println("note: " + note);
		out.printf(Locale.ROOT, "wrote %d files to %s in %.1f s: %s (%dx%d), %s%n",
			written.size(), output, report.seconds(), DemoFiles.CONTACT_SHEET, sheet
				.width(), sheet.height(), DemoFiles.METRICS);
		out.flush();
		return 0;
	}

	/** The metrics as aligned text: task, method, PSNR, SSIM, note. */
	static List<String> table(DemoReport report) {
		List<String[]> rows = new ArrayList<>();
		rows.add(new String[] { "task", "method", "PSNR dB", "SSIM", "note" });
		for (DemoReport.Metric m : report.metrics())
			rows.add(new String[] { m.task(), m.method(), dash(Numbers.fixed(m.psnr(),
				2)), dash(Numbers.fixed(m.ssim(), 4)), m.note() });
		int[] width = new int[4];
		for (String[] r : rows)
			for (int i = 0; i < width.length; i++)
				width[i] = Math.max(width[i], r[i].length());
		List<String> lines = new ArrayList<>();
		for (String[] r : rows) {
			StringBuilder sb = new StringBuilder();
			for (int i = 0; i < r.length; i++) {
				if (i > 0) sb.append("  ");
				if (i == 4) sb.append(r[i]);
				else if (i >= 2) sb.append(" ".repeat(width[i] - r[i].length())).append(
					r[i]);
				else sb.append(r[i]).append(" ".repeat(width[i] - r[i].length()));
			}
			lines.add(sb.toString().stripTrailing());
		}
		return lines;
	}

	private static String dash(String s) {
		return s.isEmpty() ? "-" : s;
	}
}
