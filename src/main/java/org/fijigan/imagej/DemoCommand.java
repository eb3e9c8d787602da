
package org.fijigan.imagej;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.demo.ContactSheet;
import org.fijigan.core.demo.Demo;
import org.fijigan.core.demo.DemoFiles;
import org.fijigan.core.demo.DemoOptions;
import org.fijigan.core.demo.DemoReport;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.ij1.DemoResources;
import org.fijigan.ij1.ImageFileCodec;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Runs every bundled default model on the bundled samples beside a classical
 * baseline (the core {@link Demo}, as {@code fiji-gan demo} does) and shows the
 * contact sheet as an image and the metrics as a results table; optionally
 * writes the same files as the command line. In a macro:
 * {@code run("Demo...", "seed=1");}
 */
@Plugin(type = Command.class, headless = true, label = "Demo")
public class DemoCommand extends CancellableCommand {

	@Parameter(label = "Seed",
		description = "seed of the noise and of the generated images")
	long seed = DemoOptions.DEFAULT_SEED;

	@Parameter(label = "Output folder", required = false,
		style = FileWidget.DIRECTORY_STYLE,
		description = "optional: also write the images, contact-sheet.png and metrics.csv there")
	File output;

	@Parameter(label = "Overwrite",
		description = "write into the output folder even when it holds files")
	boolean overwrite;

	@Parameter(label = "Device",
		description = "auto, cpu, cuda, cuda:1, cuda:strict (never the CPU), ...")
	String device = "auto";

	@Parameter(label = "Threads", min = "0",
		description = "CPU threads; 0 uses all cores")
	int threads;

	@Parameter(type = ItemIO.OUTPUT)
	ImagePlus sheet;

	private DemoReport report;
	private ResultsTable table;

	@Override
	protected void execute() {
		sheet = null;
		report = null;
		table = null;
		DeviceSpec d = DeviceSpec.parse(device);
		try (DemoFiles.Claim claim = output == null || output.getPath().isBlank()
			? null : DemoFiles.claim(output.toPath(), overwrite, "tick Overwrite",
				"Fiji's fiji-gan Demo (seed " + seed + ")"))
		{
			if (claim != null) logNotes(claim.notes());
			FijiModels.useForNames(); // the models that Manage Models installed
																// count as bundled
			report = Demo.run(DemoResources.samples(), Demo.BUNDLED, new DemoOptions(
				seed, d, threads), progress(), cancellation());
			ContactSheet layout = ContactSheet.layout(report);
			sheet = new ImagePlus("fiji-gan demo (seed " + seed + ")", DemoResources
				.render(layout));
			table = table(report);
			if (claim != null) {
				List<Path> written = DemoFiles.write(report, DemoResources.renderRaster(
					layout), claim.dir(), ImageFileCodec.INSTANCE, overwrite,
					cancellation());
				IJ.log("fiji-gan demo: wrote " + written.size() + " files to " + claim
					.dir());
			}
		}
		showTable(table, "fiji-gan demo metrics");
		logNotes(report.notes());
		IJ.showStatus(String.format(java.util.Locale.ROOT,
			"fiji-gan demo: %d rows in %.1f s", report.rows().size(), report
				.seconds()));
	}

	/** One row per metric: task, method, PSNR, SSIM, note. */
	static ResultsTable table(DemoReport r) {
		ResultsTable t = new ResultsTable();
		for (DemoReport.Metric m : r.metrics()) {
			t.incrementCounter();
			t.addValue("Task", m.task());
			t.addValue("Method", m.method());
			t.addValue("PSNR (dB)", m.psnr());
			t.addValue("SSIM", m.ssim());
			t.addValue("Note", m.note());
		}
		t.setPrecision(4);
		return t;
	}

	/** What the last run made, or null. */
	public DemoReport report() {
		return report;
	}

	/** The metrics table of the last run, or null. */
	public ResultsTable table() {
		return table;
	}

	/** The contact sheet of the last run, or null. */
	public ImagePlus sheet() {
		return sheet;
	}
}
