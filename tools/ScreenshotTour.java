import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.awt.Frame;
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
 * item (the item's own ActionEvent, as a click sends it). Knows nothing of the plugin's classes: it
 * only sees ImageJ and AWT, as a user does.
 *
 * Usage: java ScreenshotTour SAMPLES_DIR REAL_MODELS_DIR OUT_DIR
 */
public class ScreenshotTour {
	static File samples, models, out;
	static Robot robot;
	static final List<String> failures = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		samples = new File(args[0]);
		models = new File(args[1]);
		out = new File(args[2]);
		out.mkdirs();
		robot = new Robot();
		robot.setAutoDelay(40);
		ImageJ ij = new ImageJ();
		ij.setLocation(0, 0);
		waitFor("ImageJ window", () -> ij.isShowing());
		sleep(1500);

		ImagePlus noisy = IJ.openImage(new File(samples, "cells-noisy.png").getPath());
		noisy.show();
		waitFor("sample window", () -> noisy.getWindow() != null && noisy.getWindow().isShowing());
		noisy.getWindow().setLocation(10, 140);
		sleep(800);

		step("01-menu", ScreenshotTour::menu);
		step("02-denoise", ScreenshotTour::denoise);
		step("05-super-resolution", ScreenshotTour::superResolution);
		step("06-show-changes", ScreenshotTour::showChanges);
		step("07-run-onnx-model", ScreenshotTour::runModel);
		step("08-model-info", ScreenshotTour::modelInfo);
		step("09-manage-models", ScreenshotTour::manageModels);
		step("10-dialogs-without-a-shared-model", ScreenshotTour::dialogsOnly);
		step("14-known-models", ScreenshotTour::knownModels);
		step("15-record-and-replay", ScreenshotTour::recordAndReplay);
		System.out.println(failures.isEmpty() ? "screenshot tour: all steps done" : "screenshot tour: failed " +
			failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	interface Step {
		void run() throws Exception;
	}

	static void step(String name, Step s) {
		System.out.println("step " + name);
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
		save("01-menu", new Rectangle(0, 0, 740, 420));
		robot.keyPress(KeyEvent.VK_ESCAPE);
		robot.keyRelease(KeyEvent.VK_ESCAPE);
		sleep(200);
		robot.keyPress(KeyEvent.VK_ESCAPE);
		robot.keyRelease(KeyEvent.VK_ESCAPE);
		click(880, 880); // anywhere else closes a menu left open
		sleep(400);
	}

	static void denoise() throws Exception {
		selectImage("cells-noisy.png");
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Denoise...", "Denoise");
		setText(d, 0, model("dncnn_s25_noise.onnx"));
		sleep(600);
		saveWindow("02-denoise-dialog", d);
		// unfold the advanced fields, pick the 0-255 range DnCNN was trained on, and preview
		tick(checkbox(d, "More options"));
		sleep(500);
		setText(d, "percentile", "range");
		EventQueue.invokeAndWait(() -> d.setLocation(570, 140)); // leaves room for the preview window
		tick(checkbox(d, "Preview"));
		Window preview = waitForWindow("preview window", w -> w instanceof Frame f && f.getTitle()
			.startsWith("Preview:"));
		sleep(2500);
		save("03-denoise-preview", screenOf(d, preview, WindowManager.getImage("cells-noisy.png")
			.getWindow()));
		ok(d);
		ImagePlus result = waitForNewImage(before);
		sleep(800);
		saveWindow("04-denoise-result", result.getWindow());
	}

	static void superResolution() throws Exception {
		ImagePlus cells = IJ.openImage(new File(samples, "cells.png").getPath());
		cells.show();
		waitFor("cells window", () -> cells.getWindow() != null);
		sleep(500);
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Super-Resolution...", "Super-Resolution");
		setText(d, 0, model("realesr-animevideov3.onnx"));
		sleep(300);
		saveWindow("05-super-resolution-dialog", d);
		ok(d);
		ImagePlus result = waitForNewImage(before);
		result.getWindow().setLocation(300, 60);
		sleep(1000);
		saveWindow("05-super-resolution-result", result.getWindow());
	}

	static void showChanges() throws Exception {
		java.util.Set<Integer> before = imageCount(); // the x4 result is the current image
		Dialog d = openFromMenu("Show What The GAN Changed...", "Show What The GAN Changed");
		choose(d, 0, "cells.png");
		sleep(300);
		saveWindow("06-show-changes-dialog", d);
		ok(d);
		ImagePlus result = waitForNewImage(before);
		sleep(1000);
		saveWindow("06-show-changes-result", result.getWindow());
	}

	static void runModel() throws Exception {
		selectImage("cells.png");
		java.util.Set<Integer> before = imageCount();
		Dialog d = openFromMenu("Run ONNX Model...", "Run ONNX Model");
		setText(d, 0, model("espcn_x3_luma.onnx"));
		sleep(300);
		ok(d);
		ImagePlus result = waitForNewImage(before);
		result.getWindow().setLocation(320, 40);
		sleep(1000);
		saveWindow("07-run-onnx-model-result", result.getWindow());
	}

	static void modelInfo() throws Exception {
		Dialog d = openFromMenu("Model Info...", "Model Info");
		setText(d, 0, model("dncnn_s25_noise.onnx"));
		ok(d);
		Window w = waitForWindow("Model Info window", x -> x instanceof Frame f && f.getTitle().startsWith(
			"Model Info:"));
		sleep(1000);
		saveWindow("08-model-info", w);
		w.dispose();
	}

	static void manageModels() throws Exception {
		// install DnCNN into Fiji.app/models, so that the list and the Known models chooser show it
		Dialog install = openFromMenu("Manage Models...", "Manage Models");
		choose(install, 0, "install");
		setText(install, 0, model("dncnn_s25_noise.onnx"));
		setText(install, 1, "dncnn-s25");
		sleep(300);
		saveWindow("09-manage-models-install-dialog", install);
		ok(install);
		sleep(3000);
		closeTextWindows();
		Dialog d = openFromMenu("Manage Models...", "Manage Models");
		choose(d, 0, "list");
		sleep(300);
		saveWindow("09-manage-models-dialog", d);
		ok(d); // action=list
		Window w = waitForWindow("models list", x -> x instanceof Frame f && f.getTitle().startsWith(
			"Models in"));
		sleep(800);
		saveWindow("09-manage-models-list", w);
		w.dispose();
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
		save("14-known-models", new Rectangle(330, 30, d.getWidth() + 120, d.getHeight() + 60));
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
		setText(d, 0, model("dncnn_s25_noise.onnx"));
		Checkbox more = checkbox(d, "More options");
		if (!more.getState()) tick(more);
		if (all(d, TextField.class).stream().noneMatch(f -> ((TextField) f).getText().equals("range")))
			setText(d, "percentile", "range"); // (the dialog remembers range from step 02)
		tick(checkbox(d, "Preview"));
		sleep(2500);
		ok(d);
		waitForNewImage(before);
		sleep(500);
		String text = ij.plugin.frame.Recorder.getInstance().getText();
		String line = text.lines().filter(l -> l.startsWith("run(\"Denoise...\"")).reduce((x, y) -> y)
			.orElseThrow(() -> new IllegalStateException("nothing recorded: " + text));
		System.out.println("  recorded: " + line);
		for (String key : new String[] { "model=", "tile=", "halo=", "normalize=range", "device=", "threads=",
			"prediction=" })
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
		waitForNewImage(beforeReplay);
		System.out.println("  replayed without a dialog");
	}

	static void closeTextWindows() {
		for (Window w : Window.getWindows())
			if (w instanceof ij.text.TextWindow && w.isShowing()) w.dispose();
	}

	/** Commands whose models are not among the shared third-party ones: their dialogs, then Cancel. */
	static void dialogsOnly() throws Exception {
		selectImage("cells-noisy.png");
		String[][] commands = { { "Inpaint...", "Inpaint", "10-inpaint-dialog" },
			{ "Generate Synthetic Images...", "Generate Synthetic Images", "11-generate-dialog" },
			{ "Batch Process Folder...", "Batch Process Folder", "12-batch-dialog" },
			{ "Fine-Tune Model...", "Fine-Tune Model", "13-fine-tune-dialog" } };
		for (String[] c : commands) {
			Dialog d = openFromMenu(c[0], c[1]);
			sleep(400);
			saveWindow(c[2], d);
			cancel(d);
			sleep(400);
		}
	}

	// ---- helpers -----------------------------------------------------------------------------

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
		}, 180_000);
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

	static void closeDialogs() {
		for (Window w : Window.getWindows())
			if (w instanceof Dialog && w.isShowing()) w.dispose();
	}

	static Window waitForWindow(String what, Predicate<Window> p) throws Exception {
		Window[] found = new Window[1];
		waitFor(what, () -> {
			for (Window w : Window.getWindows())
				if (w.isShowing() && p.test(w)) {
					found[0] = w;
					return true;
				}
			return false;
		});
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
