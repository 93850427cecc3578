// The tray icon that stays while the window is closed and the engine keeps serving: Show and Quit.
import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import { appIconPng } from './appIconPng';

export interface TrayActions {
  show(): void;
  quit(): void;
}

export class TrayIcon {
  private tray: Tray | undefined;

  constructor(private readonly actions: TrayActions) {}

  get visible(): boolean {
    return this.tray !== undefined;
  }

  ensure(): void {
    if (this.tray) return;
    const tray = new Tray(trayImage());
    tray.setToolTip('Slipway: the engine keeps serving while the window is closed');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Slipway', click: () => this.actions.show() },
        { type: 'separator' },
        { label: 'Quit Slipway', click: () => this.actions.quit() },
      ]),
    );
    // Windows and most Linux trays: a click shows the window (macOS opens the menu instead).
    tray.on('click', () => this.actions.show());
    this.tray = tray;
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }
}

function trayImage(): NativeImage {
  if (process.platform === 'darwin') {
    // A 16 pt template image: macOS tints it for light and dark menu bars.
    const image = nativeImage.createFromBuffer(appIconPng(32, 'template'), { scaleFactor: 2 });
    image.setTemplateImage(true);
    return image;
  }
  return nativeImage.createFromBuffer(appIconPng(process.platform === 'win32' ? 32 : 24), {
    scaleFactor: process.platform === 'win32' ? 2 : 1,
  });
}

/** The window icon (Linux and Windows taskbars). */
export function windowIcon(): NativeImage {
  return nativeImage.createFromBuffer(appIconPng(128));
}
