// The application menu: the standard Edit/View/Window menus, plus Help › Open Library Folder.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  openLibraryFolder(): void;
}

export function buildAppMenu(actions: AppMenuActions): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Open Library Folder', click: () => actions.openLibraryFolder() }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
