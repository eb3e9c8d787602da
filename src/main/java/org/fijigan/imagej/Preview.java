
package org.fijigan.imagej;

import java.awt.Checkbox;
import java.awt.FlowLayout;
import java.awt.Label;
import java.awt.Panel;
import java.awt.Rectangle;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;

import ij.ImagePlus;
import ij.gui.ImageCanvas;
import ij.gui.Roi;
import ij.plugin.Duplicator;

/**
 * The Preview box of an image command's dialog, as ImageJ's own filters have
 * one: while ticked, the model runs with the dialog's current settings on the
 * visible part of the image (at most {@link #MAX_SIDE} pixels a side, current
 * slice) and the result shows in its own window, which closes with the dialog.
 * Never offered headless or in a macro, and not a parameter, so nothing of it
 * is recorded. Runs one preview at a time on its own thread; a new setting
 * cancels the run in flight.
 */
final class Preview implements AutoCloseable {

	/** The largest preview crop side, in input pixels. */
	static final int MAX_SIDE = 256;

	private final ImagePlus image;
	private final Checkbox box = new Checkbox(
		"Preview (visible region, at most " + MAX_SIDE + " x " + MAX_SIDE +
			" pixels)", false);
	private final Label status = new Label(" ".repeat(60), Label.LEFT); // the
																																			// blanks
																																			// reserve
																																			// its
																																			// width
	private final ExecutorService worker = Executors.newSingleThreadExecutor(
		r -> {
			Thread t = new Thread(r, "fiji-gan preview");
			t.setDaemon(true);
			return t;
		});
	private volatile ImageCommand running;
	private ImagePlus window;

	Preview(ImagePlus image) {
		this.image = image;
	}

	/**
	 * Whether a dialog may offer a preview: a display, no macro, an image command
	 * and an image.
	 */
	static boolean isPossible(boolean headless, String macroOptions,
		Object command, ImagePlus image)
	{
		return !headless && macroOptions == null &&
			command instanceof ImageCommand && image != null;
	}

	/**
	 * The crop a preview runs on: the visible rectangle within the image, cut
	 * down around its centre to at most {@code maxSide} pixels a side.
	 * {@code visible} null means the whole image.
	 */
	static Rectangle region(Rectangle visible, int width, int height,
		int maxSide)
	{
		Rectangle r = visible == null ? new Rectangle(0, 0, width, height) : visible
			.intersection(new Rectangle(0, 0, width, height));
		if (r.isEmpty()) r = new Rectangle(0, 0, width, height);
		int w = Math.min(r.width, maxSide), h = Math.min(r.height, maxSide);
		return new Rectangle(r.x + (r.width - w) / 2, r.y + (r.height - h) / 2, w,
			h);
	}

	Panel panel() {
		Panel p = new Panel(new java.awt.GridLayout(2, 1));
		p.add(box);
		p.add(status);
		return p;
	}

	/** Runs {@code onTick} (on the event thread) when the box is ticked. */
	void onToggle(Runnable onTick) {
		box.addItemListener(e -> {
			if (box.getState()) onTick.run();
			else {
				cancelRunning();
				status.setText("");
			}
		});
	}

	/**
	 * Reruns the preview with {@code settings} (a command whose fields hold the
	 * dialog's values).
	 */
	void settingsChanged(Object settings) {
		if (!box.getState() || !(settings instanceof ImageCommand command)) return;
		cancelRunning();
		running = command;
		status.setText("running...");
		worker.submit(() -> run(command));
	}

	void showProblem(String message) {
		if (box.getState()) status.setText(message);
	}

	private void run(ImageCommand command) {
		if (command != running) return; // a newer setting came first
		long start = System.nanoTime();
		try {
			ImageCanvas canvas = image.getCanvas();
			Crop crop = crop(image, canvas == null ? null : canvas.getSrcRect());
			command.image = crop.image();
			command.previewCrop = crop;
			command.execute();
			if (command != running || command.output == null) return;
			show(command.output);
			status.setText(String.format("%d x %d in %.1f s", command.image
				.getWidth(), command.image.getHeight(), (System.nanoTime() - start) /
					1e9));
		}
		catch (CancellationToken.CancelledException e) {
			// a newer setting replaced this run
		}
		catch (GanException | IllegalArgumentException e) {
			if (command == running) status.setText(e.getMessage());
		}
	}

	/**
	 * What a preview runs on: {@code image}, a copy of {@code region} of
	 * {@code source}'s current slice and frame (1-based {@code slice} and
	 * {@code frame}), all channels. A command that reads more of the source than
	 * its pixels (Inpaint's mask) reads it from {@code source} and cuts it as the
	 * pixels were cut.
	 */
	record Crop(ImagePlus image, ImagePlus source, Rectangle region, int slice,
			int frame) {
	}

	/**
	 * {@code image}'s {@link #region} for the canvas rectangle {@code visible}
	 * (null: the whole image) on its current slice and frame, copied.
	 */
	static Crop crop(ImagePlus image, Rectangle visible) {
		Rectangle r = region(visible, image.getWidth(), image.getHeight(),
			MAX_SIDE);
		Roi selection = image.getRoi();
		ImagePlus copy;
		int z, t;
		synchronized (image) {
			image.setRoi(new Roi(r), false);
			try {
				// from the stack index, which setSlice keeps current even where no
				// window updates the position
				int[] czt = image.convertIndexToPosition(image.getCurrentSlice());
				z = czt[1];
				t = czt[2];
				copy = new Duplicator().run(image, 1, image.getNChannels(), z, z, t, t);
			}
			finally {
				if (selection == null) image.deleteRoi();
				else image.setRoi(selection, false);
			}
		}
		copy.setTitle("preview of " + image.getTitle());
		return new Crop(copy, image, r, z, t);
	}

	private synchronized void show(ImagePlus result) {
		if (window == null || window.getWindow() == null) {
			window = new ImagePlus("Preview: " + image.getTitle(), result.getStack());
			window.setCalibration(result.getCalibration());
			window.show();
			java.awt.Window beside = image.getWindow(), shown = window.getWindow();
			if (beside != null && shown != null) shown.setLocation(beside.getX() +
				beside.getWidth() + 8, beside.getY());
		}
		else window.setStack(result.getStack());
		window.resetDisplayRange();
		window.updateAndDraw();
	}

	private void cancelRunning() {
		ImageCommand c = running;
		running = null;
		if (c != null) c.cancel("preview settings changed");
	}

	/** Stops the preview and closes its window. Safe to call twice. */
	@Override
	public synchronized void close() {
		cancelRunning();
		worker.shutdownNow();
		if (window != null) {
			window.changes = false;
			window.close();
			window = null;
		}
	}
}
