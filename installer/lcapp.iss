; Inno Setup script for LCApp. Build: iscc /DVersion=0.1.0 installer\lcapp.iss
; Installs per user (no administrator rights), from the PyInstaller folder dist\LCApp.
; The uninstaller removes the program only: databases, backups and logs live in the user's
; data folder (%LOCALAPPDATA%\LCApp) and stay where they are.

#ifndef Version
  #define Version "0.0.0"
#endif

[Setup]
AppId={{6F1C3E2A-8B7D-4C59-9E1A-4C2B7D5E9A10}
AppName=LCApp
AppVersion={#Version}
AppVerName=LCApp {#Version}
AppPublisher=LCApp
DefaultDirName={localappdata}\Programs\LCApp
DefaultGroupName=LCApp
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=LCApp-{#Version}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
SetupIconFile=..\resources\icons\lcapp.ico
UninstallDisplayIcon={app}\LCApp.exe
ChangesAssociations=yes
CloseApplications=yes

[Languages]
Name: "vietnamese"; MessagesFile: "compiler:Languages\Vietnamese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Files of old versions are removed on upgrade, so no stale module survives.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\LCApp\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\LCApp"; Filename: "{app}\LCApp.exe"
Name: "{group}\Gỡ cài đặt LCApp"; Filename: "{uninstallexe}"
Name: "{autodesktop}\LCApp"; Filename: "{app}\LCApp.exe"; Tasks: desktopicon

[Registry]
; .lcpkg (USB data packages) open in LCApp, registered for this user only.
Root: HKCU; Subkey: "Software\Classes\.lcpkg"; ValueType: string; ValueName: ""; ValueData: "LCApp.Package"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\LCApp.Package"; ValueType: string; ValueName: ""; ValueData: "Gói dữ liệu LCApp"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\LCApp.Package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\LCApp.exe,0"
Root: HKCU; Subkey: "Software\Classes\LCApp.Package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\LCApp.exe"" ""%1"""

[Run]
Filename: "{app}\LCApp.exe"; Description: "{cm:LaunchProgram,LCApp}"; Flags: nowait postinstall skipifsilent
