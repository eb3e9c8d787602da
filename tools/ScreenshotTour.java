import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.Label;
import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.InputEvent;
import java.awt.event.ItemEvent;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;

/**
 * Drives a real ImageJ 1 window (under Xvfb, see tools/screenshots.sh) with the plugin installed
 * from target/Fiji.app, and saves screenshots. Every command runs through its Plugins > GAN menu
 * item (the item's own ActionEvent, as a click sends it) on the models bundled in Fiji.app/models,
 * chosen by name in the dialogs' Known models chooser. Knows nothing of the plugin's classes: it
 * only sees ImageJ and AWT, as a user does. Steps that need a third-party model from
 * REAL_MODELS_DIR (the folder FIJI_GAN_REAL_MODELS names in tools/screenshots.sh) are skipped when
 * it lacks the model.
 *
 * Usage: java ScreenshotTour SAMPLES_DIR REAL_MODELS_DIR OUT_DIR
 */
public class ScreenshotTour {
	static File samples, models, out, work;
	static Robot robot;
	static final List<String> failures = new ArrayList<>();
	static final List<String> skipped = new ArrayList<>();
	static String current = "";

	public static void main(String[] args) throws Exception {
		samples = new File(args[0]);
		models = new File(args[1]);
		out = new File(args[2]);
		out.mkdirs();
		work = Files.createTempDirectory("fiji-gan-tour").toFile();
		robot = new Robot();
		robot.setAutoDelay(40);
		ImageJ ij = new ImageJ();
		ij.setLocation(0, 0);
		waitFor("ImageJ window", () -> ij.isShowing());
		sleep(1500);

		// the Log window, opened now and put below everything the screenshots show
		IJ.log("fiji-gan screenshot tour");
		IJ.log("\\Clear");
		Window log = waitForWindow("Log window", w -> w instanceof Frame f && f.getTitle().equals("Log"));
		EventQueue.invokeAndWait(() -> log.setBounds(700, 1300, 560, 260));
		open("cells-noisy.png", 10, 140);

		step("01-menu", ScreenshotTour::menu);
		step("02-denoise", ScreenshotTour::denoise);
		step("05-super-resolution", ScreenshotTour::superResolution);
		step("06-show-changes", ScreenshotTour::showChanges);
		step("07-inpaint", ScreenshotTour::inpaint);
		step("08-generate", ScreenshotTour::generate);
		step("09-run-onnx-model", ScreenshotTour::runModel);
		step("10-model-info", ScreenshotTour::modelInfo);
		step("11-manage-models", ScreenshotTour::manageModels);
		step("12-batch", ScreenshotTour::batch);
		step("13-fine-tune", ScreenshotTour::fineTuneDialog);
		step("14-known-models", ScreenshotTour::knownModels);
		step("15-record-and-replay", ScreenshotTour::recordAndReplay);
		step("16-demo", ScreenshotTour::demo);
		step("17-evaluate", ScreenshotTour::evaluate);
		try (var files = Files.walk(work.toPath())) { // the temp folders of Batch, Fine-Tune, Evaluate
			files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
		}
		if (!skipped.isEmpty()) System.out.println("screenshot tour: skipped " + skipped);
		System.out.println(failures.isEmpty() ? "screenshot tour: all steps done" : "screenshot tour: failed " +
			failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	interface Step {
		void run() throws Exception;
	}

	static void step(String name, Step s) {
		System.out.println("step " + name);
		current = name;
		IJ.resetEscape();
		try {
			s.run();
		}
		catch (Throwable t) {
			failures.add(name + ": " + t);
			t.printStackTrace();
			closeDialogs();
		}
	}

	// ---- steps -------------------------------------------------------------------------------

	/** Opens Plugins > GAN with the mouse and photographs it. */
	static void menu() throws Exception {
		Frame ij = IJ.getInstance();
		MenuBar bar = Menus.getMenuBar();
		int pluginsIndex = -1;
		for (int m = 0; m < bar.getMenuCount(); m++)
			if (bar.getMenu(m).getLabel().equals("Plugins")) pluginsIndex = m;
		// XToolkit lays menu titles out left to right, each its text width plus a margin
		java.awt.FontMetrics fm = ij.getFontMetrics(bar.getFont() != null ? bar.getFont() : new java.awt.Font(
			"Dialog", java.awt.Font.PLAIN, 12));
		int x = ij.getInsets().left + 1;
		for (int m = 0; m < pluginsIndex; m++)
			x += fm.stringWidth(bar.getMenu(m).getLabel()) + 20;
		x += fm.stringWidth("Plugins") / 2 + 10;
		int menuY = ij.getLocationOnScreen().y + ij.getInsets().top - 10;
		if (ij.getInsets().top < 15) menuY = ij.getLocationOnScreen().y + 12;
		click(ij.getLocationOnScreen().x + x, menuY);
		sleep(700);
		Menu plugins = bar.getMenu(pluginsIndex);
		int gan = -1;
		for (int i = 0; i < plugins.getItemCount(); i++)
			if (plugins.getItem(i).getLabel().equals("GAN")) gan = i;
		// XToolkit menu rows: 19 pixels, the first centred 33 pixels below the frame's top, a separator 9
		int ganY = ij.getLocationOnScreen().y + 33;
		for (int i = 0; i < gan; i++)
			ganY += plugins.getItem(i).getLabel().equals("-") ? 9 : 19;
		robot.mouseMove(ij.getLocationOnScreen().x + x + 10, ganY);
		sleep(300);
		click(ij.getLocationOnScreen().x + x + 10, ganY); // opens the GAN submenu
		sleep(900);
		save("01-menu", new Rectangle(0, 0, 740, 480));
		robot.keyPress(KeyEvent.VK_ESCAPE);
		robot.keyRelease(KeyEvent.VK_ESCAPE);
		sleep(200);
		robot.keyPress(KeyEvent.VK_ESCAPE);
		robot.keyRelease(KeyEvent.VK_ESCAPE);
		click(880, 880); // anywhere else closes a menu left open
		sleep(400);
	}

	/** Denoise with the bundled model: the dialog, its Preview, the result and its residual. */
	static void denoise() throws Exception {
		selectImage("cells-noisy.png");
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Denoise...", "Denoise");
		chooseModel(d, "denoise");
		sleep(600);
		saveWindow("02-denoise-dialog", d);
		tick(checkbox(d, "More options"));
		sleep(500);
		EventQueue.invokeAndWait(() -> d.setLocation(570, 140)); // leaves room for the preview window
		tick(checkbox(d, "Preview"));
		Window preview = waitForWindow("preview window", w -> w instanceof Frame f && f.getTitle()
			.startsWith("Preview:"));
		sleep(3000);
		save("03-denoise-preview", screenOf(d, preview, WindowManager.getImage("cells-noisy.png")
			.getWindow()));
		ok(d);
		ImagePlus result = waitForNewImage(before);
		besideOf(WindowManager.getImage("cells-noisy.png"), result);
		sleep(800);
		saveWindow("04-denoise-result", result.getWindow());
		// Show What The GAN Changed on it: auto is the residual (input minus output)
		java.util.Set<Integer> beforeResidual = imageCount();
		Dialog s = openFromMenu("Show What The GAN Changed...", "Show What The GAN Changed");
		chooseIn(s, "Original", "cells-noisy.png");
		ok(s);
		ImagePlus residual = waitForNewImage(beforeResidual);
		besideOf(result, residual);
		sleep(1000);
		saveWindows("04-denoise-residual", WindowManager.getImage("cells-noisy.png").getWindow(), result
			.getWindow(), residual.getWindow());
		close(residual);
		close(result);
	}

	/** Super-resolution x2 with the bundled sr-x2 on cells.png. */
	static void superResolution() throws Exception {
		ImagePlus cells = open("cells.png", 10, 140);
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Super-Resolution...", "Super-Resolution");
		chooseModel(d, "sr-x2");
		sleep(300);
		saveWindow("05-super-resolution-dialog", d);
		ok(d);
		ImagePlus result = waitForNewImage(before);
		besideOf(cells, result);
		sleep(1000);
		saveWindows("05-super-resolution-result", cells.getWindow(), result.getWindow());
	}

	/** The consistency map of the x2 result (the current image) against cells.png. */
	static void showChanges() throws Exception {
		ImagePlus sr = WindowManager.getCurrentImage();
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Show What The GAN Changed...", "Show What The GAN Changed");
		chooseIn(d, "Original", "cells.png");
		sleep(300);
		saveWindow("06-show-changes-dialog", d);
		ok(d);
		ImagePlus result = waitForNewImage(before);
		result.getWindow().setLocation(820, 60);
		sleep(1000);
		saveWindow("06-show-changes-result", result.getWindow());
		close(result);
		close(sr);
	}

	/**
	 * Inpaint cells.png with the bundled inpaint model, the holes from the mask image
	 * hole-mask.png, then Show What The GAN Changed draws the hole outline over the result.
	 */
	static void inpaint() throws Exception {
		ImagePlus cells = WindowManager.getImage("cells.png");
		if (cells == null) cells = open("cells.png", 10, 140);
		cells.getWindow().setLocation(10, 140);
		ImagePlus mask = open("hole-mask.png", 290, 140);
		besideOf(cells, mask);
		selectImage("cells.png");
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Inpaint...", "Inpaint");
		chooseModel(d, "inpaint");
		setText(field(d, "Mask"), "hole-mask.png");
		sleep(300);
		saveWindow("07-inpaint-dialog", d);
		ok(d);
		ImagePlus result = waitForNewImage(before);
		besideOf(mask, result);
		sleep(500);
		Dialog s = openFromMenu("Show What The GAN Changed...", "Show What The GAN Changed");
		chooseIn(s, "Original", "cells.png");
		chooseIn(s, "Mask", "hole-mask.png");
		ok(s);
		waitFor("the hole outline", () -> result.getOverlay() != null && result.getOverlay().size() > 0);
		sleep(1000);
		saveWindows("07-inpaint-result", cells.getWindow(), mask.getWindow(), result.getWindow());
		close(result);
		close(mask);
	}

	/**
	 * Nine images from the bundled mri-generator (class none: the classes in turn, one of each),
	 * the stack (its slice label says SYNTHETIC), a montage of the nine, and the provenance table
	 * Show What The GAN Changed makes for a generated stack.
	 */
	static void generate() throws Exception {
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Generate Synthetic Images...", "Generate Synthetic Images");
		chooseModel(d, "mri-generator");
		setText(field(d, "Count"), "9");
		setText(field(d, "Seed"), "1");
		setText(field(d, "Class"), "none");
		sleep(300);
		saveWindow("08-generate-dialog", d);
		ok(d);
		ImagePlus stack = waitForNewImage(before);
		sleep(500);
		IJ.run(stack, "Set... ", "zoom=600"); // wide enough for the SYNTHETIC slice label
		sleep(500);
		stack.getWindow().setLocation(10, 140);
		java.util.Set<Integer> beforeMontage = imageCount();
		IJ.run(stack, "Make Montage...", "columns=3 rows=3 scale=2 border=2");
		ImagePlus montage = waitForNewImage(beforeMontage);
		besideOf(stack, montage);
		stack.getWindow().toFront();
		IJ.selectWindow(stack.getID());
		sleep(500);
		Dialog s = openFromMenu("Show What The GAN Changed...", "Show What The GAN Changed");
		chooseIn(s, "Original", "none");
		chooseIn(s, "Show", "auto"); // for a generated stack: its provenance table
		ok(s);
		Window table = waitForWindow("provenance table", w -> w instanceof Frame f && f.getTitle()
			.startsWith("GAN Provenance of"));
		EventQueue.invokeAndWait(() -> {
			table.setBounds(10, 600, 1000, 300);
			table.toFront();
		});
		sleep(1200);
		saveWindows("08-generate-result", stack.getWindow(), montage.getWindow(), table);
		table.dispose();
		close(montage);
		close(stack);
	}

	/** Run ONNX Model on a third-party model (ESPCN x3, fixed 224 x 224 input, tiled). */
	static void runModel() throws Exception {
		if (!new File(models, "espcn_x3_luma.onnx").isFile()) {
			skip("09-run-onnx-model (no " + models + "/espcn_x3_luma.onnx)");
			return;
		}
		selectImage("cells.png");
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Run ONNX Model...", "Run ONNX Model");
		setText(field(d, "Model"), model("espcn_x3_luma.onnx"));
		sleep(300);
		ok(d);
		ImagePlus result = waitForNewImage(before);
		result.getWindow().setLocation(320, 40);
		sleep(1000);
		saveWindow("09-run-onnx-model-result", result.getWindow());
		close(result);
	}

	/** Model Info of the bundled denoise package. */
	static void modelInfo() throws Exception {
		Dialog d = openFromMenu("Model Info...", "Model Info");
		chooseModel(d, "denoise");
		ok(d);
		Window w = waitForWindow("Model Info window", x -> x instanceof Frame f && f.getTitle().startsWith(
			"Model Info:"));
		EventQueue.invokeAndWait(() -> w.setBounds(0, 0, 1270, 820));
		sleep(1000);
		saveWindow("10-model-info", w);
		w.dispose();
	}

	/** Manage Models: installs the third-party DnCNN when it is there, then lists the models folder. */
	static void manageModels() throws Exception {
		if (new File(models, "dncnn_s25_noise.onnx").isFile()) {
			Dialog install = openFromMenu("Manage Models...", "Manage Models");
			choose(install, 0, "install");
			setText(field(install, "Model"), model("dncnn_s25_noise.onnx"));
			setText(field(install, "Name"), "dncnn-s25");
			sleep(300);
			saveWindow("11-manage-models-install-dialog", install);
			ok(install);
			sleep(3000);
			closeTextWindows();
		}
		else skip("11-manage-models install (no " + models + "/dncnn_s25_noise.onnx)");
		Dialog d = openFromMenu("Manage Models...", "Manage Models");
		choose(d, 0, "list");
		sleep(300);
		saveWindow("11-manage-models-dialog", d);
		ok(d); // action=list
		Window w = waitForWindow("models list", x -> x instanceof Frame f && f.getTitle().startsWith(
			"Models in"));
		EventQueue.invokeAndWait(() -> w.setBounds(20, 20, 1000, 820));
		sleep(800);
		saveWindow("11-manage-models-list", w);
		w.dispose();
	}

	/** Batch Process Folder: the bundled denoise over a folder of two images; its Log lines. */
	static void batch() throws Exception {
		File in = inputFolder();
		File outDir = new File(work, "batch-out");
		Dialog d = openFromMenu("Batch Process Folder...", "Batch Process Folder");
		chooseModel(d, "denoise");
		setText(field(d, "Input folder"), in.getPath());
		setText(field(d, "Output folder"), outDir.getPath());
		sleep(300);
		saveWindow("12-batch-dialog", d);
		ok(d);
		waitFor("the batch summary in the Log", () -> IJ.getLog() != null && IJ.getLog().contains(
			"images written"), 180_000);
		Window log = waitForWindow("Log window", w -> w instanceof Frame f && f.getTitle().equals("Log"));
		EventQueue.invokeAndWait(() -> {
			log.setBounds(20, 20, 1100, 500);
			log.toFront();
		});
		sleep(800);
		saveWindow("12-batch-log", log);
		EventQueue.invokeAndWait(() -> log.setBounds(700, 1300, 560, 260));
	}

	/** The Fine-Tune Model dialog, filled in for the bundled denoise model, then Cancel. */
	static void fineTuneDialog() throws Exception {
		Dialog d = openFromMenu("Fine-Tune Model...", "Fine-Tune Model");
		chooseModel(d, "denoise");
		setText(field(d, "Data folder"), inputFolder().getPath());
		setText(field(d, "Output model"), new File(work, "denoise-tuned.onnx").getPath());
		sleep(400);
		saveWindow("13-fine-tune-dialog", d);
		cancel(d);
		sleep(400);
	}

	/** The Known models chooser of the Denoise dialog, opened with a click. */
	static void knownModels() throws Exception {
		selectImage("cells-noisy.png");
		Dialog d = openFromMenu("Denoise...", "Denoise");
		EventQueue.invokeAndWait(() -> d.setLocation(330, 30));
		sleep(500);
		Choice chooser = (Choice) all(d, Choice.class).get(0);
		Rectangle r = new Rectangle(chooser.getLocationOnScreen(), chooser.getSize());
		click(r.x + r.width / 2, r.y + r.height / 2);
		sleep(800);
		save("14-known-models", new Rectangle(330, 30, d.getWidth() + 160, d.getHeight() + 100));
		robot.keyPress(KeyEvent.VK_ESCAPE);
		robot.keyRelease(KeyEvent.VK_ESCAPE);
		sleep(300);
		cancel(d);
	}

	/**
	 * With the Recorder on, runs Denoise with More options and Preview used, checks that the recorded
	 * line names every field and nothing else, then replays it as a macro: no dialog, a new result.
	 */
	static void recordAndReplay() throws Exception {
		robot.waitForIdle();
		sleep(500);
		IJ.resetEscape(); // the Esc that closed the chooser would abort macros and cancel runs
		EventQueue.invokeAndWait(() -> new ij.plugin.frame.Recorder()); // Plugins > Macros > Record...
		waitFor("Recorder", () -> ij.plugin.frame.Recorder.getInstance() != null);
		sleep(500);
		selectImage("cells-noisy.png");
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Denoise...", "Denoise");
		chooseModel(d, "denoise");
		Checkbox more = checkbox(d, "More options");
		if (!more.getState()) tick(more);
		tick(checkbox(d, "Preview"));
		sleep(3000);
		ok(d);
		ImagePlus first = waitForNewImage(before);
		sleep(500);
		String text = ij.plugin.frame.Recorder.getInstance().getText();
		String line = text.lines().filter(l -> l.startsWith("run(\"Denoise...\"")).reduce((x, y) -> y)
			.orElseThrow(() -> new IllegalStateException("nothing recorded: " + text));
		System.out.println("  recorded: " + line);
		for (String key : new String[] { "model=denoise", "tile=", "halo=", "normalize=", "device=",
			"threads=", "prediction=" })
			if (!line.contains(key)) throw new IllegalStateException("recorded line lacks " + key);
		for (String extra : new String[] { "preview", "more", "known" })
			if (line.toLowerCase(java.util.Locale.ROOT).contains(extra)) throw new IllegalStateException(
				"recorded line holds the non-parameter " + extra);
		Frame recorder = ij.plugin.frame.Recorder.getInstance();
		EventQueue.invokeAndWait(() -> {
			recorder.setLocation(660, 590); // clear of the image windows
			recorder.toFront();
		});
		sleep(600);
		save("15-recorder", screenOf(recorder));
		ij.plugin.frame.Recorder.getInstance().close();
		// replay: a macro runs the line; no dialog may appear, a new image must
		java.util.Set<Integer> beforeReplay = imageCount();
		selectImage("cells-noisy.png");
		Thread macro = new Thread(() -> IJ.runMacro(line));
		macro.start();
		long end = System.currentTimeMillis() + 120_000;
		while (macro.isAlive() && System.currentTimeMillis() < end) {
			for (Window w : Window.getWindows())
				if (w instanceof Dialog dd && dd.isShowing() && "Denoise".equals(dd.getTitle()))
					throw new IllegalStateException("the recorded macro opened the dialog");
			Thread.sleep(100);
		}
		ImagePlus replayed = waitForNewImage(beforeReplay);
		System.out.println("  replayed without a dialog");
		close(replayed);
		close(first);
	}

	/** Demo: every bundled model on the bundled samples beside a classical baseline. */
	static void demo() throws Exception {
		closeImagesBut();
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Demo...", "Demo");
		sleep(300);
		saveWindow("16-demo-dialog", d);
		ok(d);
		ImagePlus sheet = waitForNewImage(before, 600_000);
		sleep(1000);
		EventQueue.invokeAndWait(() -> sheet.getWindow().setLocation(0, 0));
		IJ.run(sheet, "Original Scale", ""); // as large as the screen allows: 75% here
		sleep(800);
		saveWindow("16-demo-result", sheet.getWindow());
		Window table = waitForWindow("demo metrics", w -> w instanceof Frame f && f.getTitle().equals(
			"fiji-gan demo metrics"));
		EventQueue.invokeAndWait(() -> {
			table.setBounds(20, 20, 1100, 500);
			table.toFront();
		});
		sleep(800);
		saveWindow("16-demo-metrics", table);
		table.dispose();
		close(sheet);
	}

	/** Evaluate Model: the bundled denoise against classical baselines on a folder of two images. */
	static void evaluate() throws Exception {
		Dialog d = openFromMenu("Evaluate Model...", "Evaluate Model");
		chooseModel(d, "denoise");
		setText(field(d, "Data folder"), inputFolder().getPath());
		setText(field(d, "Images"), "2");
		sleep(300);
		saveWindow("17-evaluate-dialog", d);
		ok(d);
		Window table = waitForWindow("evaluation table", w -> w instanceof Frame f && f.getTitle().startsWith(
			"Evaluation of"), 300_000);
		EventQueue.invokeAndWait(() -> {
			table.setBounds(20, 20, 1100, 600);
			table.toFront();
		});
		sleep(800);
		saveWindow("17-evaluate-result", table);
	}

	// ---- helpers -----------------------------------------------------------------------------

	static void closeTextWindows() {
		for (Window w : Window.getWindows())
			if (w instanceof ij.text.TextWindow && w.isShowing() && !"Log".equals(((Frame) w).getTitle()))
				w.dispose();
	}

	static ImagePlus open(String name, int x, int y) throws Exception {
		ImagePlus imp = IJ.openImage(new File(samples, name).getPath());
		imp.show();
		waitFor(name + " window", () -> imp.getWindow() != null && imp.getWindow().isShowing());
		imp.getWindow().setLocation(x, y);
		sleep(600);
		return imp;
	}

	/** Moves {@code imp}'s window flush right of {@code left}'s, tops aligned (no screen between). */
	static void besideOf(ImagePlus left, ImagePlus imp) throws Exception {
		Window l = left.getWindow(), w = imp.getWindow();
		EventQueue.invokeAndWait(() -> w.setLocation(l.getX() + l.getWidth(), l.getY()));
	}

	static void close(ImagePlus imp) throws Exception {
		if (imp == null) return;
		imp.changes = false;
		imp.close();
		sleep(300);
	}

	/** Closes every image window but the noisy sample (the demo's sheet needs the room). */
	static void closeImagesBut() throws Exception {
		int[] ids = WindowManager.getIDList();
		if (ids != null) for (int id : ids) {
			ImagePlus imp = WindowManager.getImage(id);
			if (imp != null && !imp.getTitle().equals("cells-noisy.png")) close(imp);
		}
	}

	static void skip(String what) {
		System.out.println("  skipped: " + what);
		skipped.add(what);
	}

	/** A folder of two 128 x 128 crops of cells.png, for Batch, Fine-Tune and Evaluate. */
	static File inputFolder() throws Exception {
		File dir = new File(work, "two-images");
		if (!dir.isDirectory()) {
			dir.mkdirs();
			ImagePlus cells = IJ.openImage(new File(samples, "cells.png").getPath());
			int[][] corners = { { 0, 0 }, { 128, 128 } };
			for (int i = 0; i < corners.length; i++) {
				cells.setRoi(corners[i][0], corners[i][1], 128, 128);
				ImagePlus crop = new ImagePlus("crop", cells.getProcessor().crop());
				IJ.saveAs(crop, "png", new File(dir, "cells-" + (i + 1) + ".png").getPath());
			}
		}
		return dir;
	}

	/**
	 * Picks {@code name} in the dialog's Known models chooser (as a user does; it fills the Model
	 * field) and checks that the field now holds it.
	 */
	static void chooseModel(Dialog d, String name) throws Exception {
		List<String> offered = new ArrayList<>();
		for (Component k : all(d, Choice.class)) {
			Choice c = (Choice) k;
			for (int i = 0; i < c.getItemCount(); i++) {
				String item = c.getItem(i);
				offered.add(item);
				if (item.endsWith(": " + name)) {
					EventQueue.invokeAndWait(() -> {
						c.select(item);
						c.dispatchEvent(new ItemEvent(c, ItemEvent.ITEM_STATE_CHANGED, item, ItemEvent.SELECTED));
					});
					sleep(200);
					String text = field(d, "Model").getText().trim();
					if (!text.equals(name)) throw new IllegalStateException("choosing '" + item +
						"' left the Model field at '" + text + "'");
					return;
				}
			}
		}
		throw new IllegalStateException("Known models offers no " + name + ": " + offered);
	}

	/** The text field (string, number or file) that follows the label {@code label}. */
	static TextField field(Dialog d, String label) {
		boolean seen = false;
		for (Component c : all(d, Component.class)) {
			if (c instanceof Label l && l.getText().trim().replaceAll(":$", "").equals(label)) seen = true;
			else if (seen && c instanceof TextField f) return f;
		}
		throw new IllegalStateException("no field labelled " + label + " in " + d.getTitle());
	}

	/** Chooses {@code item} in the choice that follows the label {@code label}. */
	static void chooseIn(Dialog d, String label, String item) throws Exception {
		boolean seen = false;
		for (Component k : all(d, Component.class)) {
			if (k instanceof Label l && l.getText().trim().replaceAll(":$", "").equals(label)) seen = true;
			else if (seen && k instanceof Choice c) {
				EventQueue.invokeAndWait(() -> {
					c.select(item);
					c.dispatchEvent(new ItemEvent(c, ItemEvent.ITEM_STATE_CHANGED, item, ItemEvent.SELECTED));
				});
				if (!item.equals(c.getSelectedItem())) throw new IllegalStateException(label + " offers no " +
					item);
				return;
			}
		}
		throw new IllegalStateException("no choice labelled " + label + " in " + d.getTitle());
	}

	static void setText(TextField f, String text) throws Exception {
		EventQueue.invokeAndWait(() -> f.setText(text)); // fires the TextEvent a keystroke does
	}

	/**
	 * Throws when the plugin reported an error (ImageJ's "fiji-gan" message dialog), after saving a
	 * picture of it as error-STEP.png.
	 */
	static void checkNoError() {
		for (Window w : Window.getWindows())
			if (w instanceof Dialog d && d.isShowing() && "fiji-gan".equals(d.getTitle())) {
				String message = "";
				for (Component c : all(d, Component.class))
					if (c instanceof ij.gui.MultiLineLabel m) try {
						java.lang.reflect.Field lines = ij.gui.MultiLineLabel.class.getDeclaredField("lines");
						lines.setAccessible(true);
						message += String.join(" ", (String[]) lines.get(m));
					}
					catch (ReflectiveOperationException | RuntimeException e) {
						message += "(unreadable message)";
					}
				try {
					save("error-" + current, screenOf(d));
				}
				catch (Exception e) {
					// the message below says it all
				}
				d.dispose();
				throw new IllegalStateException("fiji-gan error: " + message);
			}
	}

	static String model(String file) {
		return new File(models, file).toPath().toAbsolutePath().normalize().toString();
	}

	/** Fires the menu item's action, exactly what a click on Plugins > GAN > label sends. */
	static Dialog openFromMenu(String label, String title) throws Exception {
		MenuItem item = ganItem(label);
		EventQueue.invokeLater(() -> item.dispatchEvent(new ActionEvent(item, ActionEvent.ACTION_PERFORMED,
			label)));
		return (Dialog) waitForWindow(title + " dialog", w -> w instanceof Dialog d && d.isShowing() && title
			.equals(d.getTitle()));
	}

	static MenuItem ganItem(String label) {
		MenuBar bar = Menus.getMenuBar();
		for (int m = 0; m < bar.getMenuCount(); m++) {
			Menu menu = bar.getMenu(m);
			if (!menu.getLabel().equals("Plugins")) continue;
			for (int i = 0; i < menu.getItemCount(); i++)
				if (menu.getItem(i) instanceof Menu gan && gan.getLabel().equals("GAN"))
					for (int j = 0; j < gan.getItemCount(); j++)
						if (gan.getItem(j).getLabel().equals(label)) return gan.getItem(j);
		}
		throw new IllegalStateException("no Plugins > GAN > " + label + " in the menu bar");
	}

	static void selectImage(String title) throws Exception {
		IJ.selectWindow(title);
		sleep(400);
	}

	/** The ids of the open images, to tell a command's result from them. */
	static java.util.Set<Integer> imageCount() {
		java.util.Set<Integer> ids = new java.util.HashSet<>();
		int[] list = WindowManager.getIDList();
		if (list != null) for (int id : list)
			ids.add(id);
		return ids;
	}

	/** The first shown image that is neither in {@code before} nor a preview. */
	static ImagePlus waitForNewImage(java.util.Set<Integer> before) throws Exception {
		return waitForNewImage(before, 180_000);
	}

	static ImagePlus waitForNewImage(java.util.Set<Integer> before, long millis) throws Exception {
		ImagePlus[] found = new ImagePlus[1];
		waitFor("a result image", () -> {
			int[] list = WindowManager.getIDList();
			if (list != null) for (int id : list) {
				ImagePlus imp = WindowManager.getImage(id);
				if (!before.contains(id) && imp != null && !imp.getTitle().startsWith("Preview:") && imp
					.getWindow() != null && imp.getWindow().isShowing()) {
					found[0] = imp;
					return true;
				}
			}
			return false;
		}, millis);
		return found[0];
	}

	static List<Component> all(Container c, Class<?> type) {
		List<Component> found = new ArrayList<>();
		for (Component k : c.getComponents()) {
			if (type.isInstance(k)) found.add(k);
			if (k instanceof Container kc) found.addAll(all(kc, type));
		}
		return found;
	}

	static void setText(Dialog d, int index, String text) throws Exception {
		TextField f = (TextField) all(d, TextField.class).get(index);
		EventQueue.invokeAndWait(() -> f.setText(text)); // fires the TextEvent a keystroke does
	}

	static void setText(Dialog d, String current, String text) throws Exception {
		for (Component c : all(d, TextField.class))
			if (((TextField) c).getText().equals(current)) {
				EventQueue.invokeAndWait(() -> ((TextField) c).setText(text));
				return;
			}
		throw new IllegalStateException("no field holding '" + current + "'");
	}

	static void choose(Dialog d, int index, String item) throws Exception {
		Choice c = (Choice) all(d, Choice.class).stream().filter(k -> {
			for (int i = 0; i < ((Choice) k).getItemCount(); i++)
				if (((Choice) k).getItem(i).equals(item)) return true;
			return false;
		}).findFirst().orElseThrow();
		EventQueue.invokeAndWait(() -> {
			c.select(item);
			c.dispatchEvent(new ItemEvent(c, ItemEvent.ITEM_STATE_CHANGED, item, ItemEvent.SELECTED));
		});
	}

	static Checkbox checkbox(Dialog d, String labelStart) {
		return (Checkbox) all(d, Checkbox.class).stream().filter(c -> ((Checkbox) c).getLabel().startsWith(
			labelStart)).findFirst().orElseThrow(() -> new IllegalStateException("no '" + labelStart +
				"' box"));
	}

	static void tick(Checkbox c) throws Exception {
		EventQueue.invokeAndWait(() -> {
			c.setState(true);
			c.dispatchEvent(new ItemEvent(c, ItemEvent.ITEM_STATE_CHANGED, c, ItemEvent.SELECTED));
		});
	}

	static void ok(Dialog d) throws Exception {
		press(d, "OK");
	}

	static void cancel(Dialog d) throws Exception {
		press(d, "Cancel");
	}

	static void press(Dialog d, String label) throws Exception {
		for (Component c : all(d, Button.class))
			if (((Button) c).getLabel().trim().equals(label)) {
				EventQueue.invokeAndWait(() -> d.toFront());
				sleep(300);
				Rectangle r = new Rectangle(c.getLocationOnScreen(), c.getSize());
				click(r.x + r.width / 2, r.y + r.height / 2); // a real click on the real button
				try {
					waitFor(label + " closes " + d.getTitle(), () -> !d.isShowing(), 3000);
				}
				catch (IllegalStateException e) { // without a window manager another window may cover it
					System.out.println("  (the click missed " + label + "; sending its ActionEvent)");
					EventQueue.invokeLater(() -> c.dispatchEvent(new ActionEvent(c, ActionEvent.ACTION_PERFORMED,
						((Button) c).getLabel())));
					waitFor(label + " closes " + d.getTitle(), () -> !d.isShowing());
				}
				return;
			}
		throw new IllegalStateException("no " + label + " button");
	}

	static void click(int x, int y) {
		robot.mouseMove(x, y);
		robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
		robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
	}

	/**
	 * After a failed step: cancels the dialogs left open (a dialog disposed without Cancel would go on
	 * and run), and closes the error messages, so that the next step starts clean.
	 */
	static void closeDialogs() {
		for (int round = 0; round < 3; round++) {
			try {
				sleep(1500);
			}
			catch (InterruptedException e) {
				return;
			}
			for (Window w : Window.getWindows())
				if (w instanceof Dialog d && w.isShowing()) {
					Button cancel = null;
					for (Component c : all(d, Button.class))
						if (((Button) c).getLabel().trim().equals("Cancel")) cancel = (Button) c;
					Button b = cancel;
					if (b != null) EventQueue.invokeLater(() -> b.dispatchEvent(new ActionEvent(b,
						ActionEvent.ACTION_PERFORMED, b.getLabel())));
					else w.dispose();
				}
		}
	}

	static Window waitForWindow(String what, Predicate<Window> p) throws Exception {
		return waitForWindow(what, p, 60_000);
	}

	static Window waitForWindow(String what, Predicate<Window> p, long millis) throws Exception {
		Window[] found = new Window[1];
		waitFor(what, () -> {
			for (Window w : Window.getWindows())
				if (w.isShowing() && p.test(w)) {
					found[0] = w;
					return true;
				}
			return false;
		}, millis);
		return found[0];
	}

	interface Check {
		boolean ok();
	}

	static void waitFor(String what, Check c) throws Exception {
		waitFor(what, c, 60_000);
	}

	static void waitFor(String what, Check c, long millis) throws Exception {
		long end = System.currentTimeMillis() + millis;
		while (!c.ok()) {
			checkNoError();
			if (System.currentTimeMillis() > end) throw new IllegalStateException("timed out waiting for " +
				what);
			Thread.sleep(100);
		}
	}

	static void sleep(long ms) throws InterruptedException {
		Thread.sleep(ms);
	}

	/** The smallest screen rectangle holding all the given windows. */
	static Rectangle screenOf(Window... windows) {
		Rectangle r = null;
		for (Window w : windows)
			if (w != null && w.isShowing()) {
				Rectangle b = new Rectangle(w.getLocationOnScreen(), w.getSize());
				r = r == null ? b : r.union(b);
			}
		return r;
	}

	/**
	 * Saves the rectangle holding {@code windows}, raised over a black backdrop so that nothing behind
	 * them (other windows, what a closed window left on the root window) shows in the gaps. Not for
	 * a modal dialog's time: the backdrop would be a window it blocks.
	 */
	static void saveWindows(String name, Window... windows) throws Exception {
		ImagePlus current = WindowManager.getCurrentImage();
		Frame back = new Frame("screenshot backdrop");
		EventQueue.invokeAndWait(() -> {
			back.setUndecorated(true);
			back.setBackground(java.awt.Color.BLACK);
			back.setBounds(new Rectangle(java.awt.Toolkit.getDefaultToolkit().getScreenSize()));
			back.setVisible(true);
		});
		sleep(400);
		EventQueue.invokeAndWait(() -> {
			for (Window w : windows)
				if (w != null) w.toFront();
		});
		sleep(800);
		save(name, screenOf(windows));
		EventQueue.invokeAndWait(back::dispose);
		if (current != null && current.getWindow() != null) WindowManager.setCurrentWindow(current.getWindow());
		sleep(300);
	}

	static void saveWindow(String name, Window w) throws Exception {
		EventQueue.invokeAndWait(() -> {
			if (w instanceof Dialog) w.setLocation(330, 30); // clear of the images, whole on the screen
			w.toFront();
		});
		sleep(300);
		save(name, screenOf(w));
	}

	static void save(String name, Rectangle r) throws Exception {
		Rectangle screen = new Rectangle(java.awt.Toolkit.getDefaultToolkit().getScreenSize());
		BufferedImage shot = robot.createScreenCapture(r.intersection(screen));
		File f = new File(out, name + ".png");
		ImageIO.write(shot, "png", f);
		System.out.println("  saved " + f + " (" + shot.getWidth() + "x" + shot.getHeight() + ")");
	}
}
