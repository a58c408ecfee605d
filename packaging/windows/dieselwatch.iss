; Inno Setup script: a per-user installer for the one-folder bundle built by dieselwatch.spec.
; Build on Windows (see packaging/windows/README.md):  iscc /DAppVersion=0.1.0 packaging\windows\dieselwatch.iss
; Per-user: no administrator rights needed on an office workstation. Upgrades install over the old
; version under the same AppId; the user's data (database, raw store, logs, exports) lives in
; %LOCALAPPDATA%\DieselWatch (platformdirs), outside {app}, so neither an upgrade nor an
; uninstall touches it. The same rules as the Linux .deb: program files in one folder the installer owns
; ({localappdata}\Programs\DieselWatch, never Program Files, so the program never needs to write where a user
; cannot), data only in the user's own folder. The bundle's exclusions (unused pyarrow and Qt parts, other
; languages' Qt translations) are made by dieselwatch.spec for both systems, so this script ships the folder whole.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B0C1E7A-3D2F-4C51-9A7E-2F1D5C8B9E41}
AppName=DieselWatch
AppVersion={#AppVersion}
AppVerName=DieselWatch {#AppVersion}
AppPublisher=DieselWatch
DefaultDirName={localappdata}\Programs\DieselWatch
DefaultGroupName=DieselWatch
PrivilegesRequired=lowest
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=DieselWatch-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\dieselwatch.ico
UninstallDisplayIcon={app}\DieselWatch.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the program files wholesale, so no module of the old version lingers. Only {app}: the
; data folder %LOCALAPPDATA%\DieselWatch is never named here or in [UninstallDelete].
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\DieselWatch\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\DieselWatch"; Filename: "{app}\DieselWatch.exe"
Name: "{group}\DieselWatch 自检 (self-test)"; Filename: "{cmd}"; Parameters: "/k ""{app}\dieselwatch-cli.exe"" selftest"
Name: "{group}\{cm:UninstallProgram,DieselWatch}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\DieselWatch"; Filename: "{app}\DieselWatch.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\DieselWatch.exe"; Description: "{cm:LaunchProgram,DieselWatch}"; Flags: nowait postinstall skipifsilent
