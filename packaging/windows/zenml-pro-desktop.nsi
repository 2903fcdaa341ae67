; ZenML Pro Desktop: the per-user Windows installer (NSIS 3, stock plugins only, 64-bit).
;
; Built by scripts/windows-installer.sh, which passes:
;   /DVERSION=0.1.0          the workspace version (Cargo.toml), shown to the user and in Apps
;   /DVERSION_NUM=0.1.0.0    the same as four numbers, for the file's version resource
;   /DSRCDIR=<folder>        where zenml-pro-desktop.exe and zpro.exe are
;   /DICON=<icon.ico>        the app's icon
;   /DOUTFILE=<setup.exe>    the installer to write
;   /DWEBVIEW2LOADER         when the app imports WebView2Loader.dll (it is then taken from SRCDIR)
;
; What it does (no administrator rights; everything under the current user):
; - installs the app, zpro and the icon into %LOCALAPPDATA%\Programs\ZenML Pro Desktop;
; - puts that folder on the user's PATH once (HKCU\Environment), so `zpro` works in a new terminal;
; - a Start-menu shortcut, the zenml-pro-desktop:// link scheme and an entry in Settings > Apps;
; - says what to do when the WebView2 runtime is missing (and installs anyway: zpro needs no WebView2).
; Installing over an existing copy (newer, same or older version) replaces the files in place.
; The uninstaller removes all of the above and leaves the user's data and keyring entries.

Unicode true
Target amd64-unicode
; A debug build's installer (the test's) packs faster and larger; a release one as small as it gets.
!ifdef FAST_COMPRESSION
SetCompressor zlib
!else
SetCompressor /SOLID lzma
!endif
ManifestDPIAware true
RequestExecutionLevel user

!macro Require name
  !ifndef ${name}
    !error "${name} is not set: build with scripts/windows-installer.sh (it passes VERSION, VERSION_NUM, SRCDIR, ICON, OUTFILE)"
  !endif
!macroend
!insertmacro Require VERSION
!insertmacro Require VERSION_NUM
!insertmacro Require SRCDIR
!insertmacro Require ICON
!insertmacro Require OUTFILE

; The longest string this NSIS handles, less one: a PATH as long may have been cut when read.
!define /math PATH_MAX ${NSIS_MAX_STRLEN} - 1

!define PRODUCT "ZenML Pro Desktop"
!define PUBLISHER "ZenML"
!define EXE "zenml-pro-desktop.exe"
!define CLI "zpro.exe"
!define SCHEME "zenml-pro-desktop"
!define UNINSTALLER "uninstall.exe"
!define INSTALL_LOG "install.log"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT}"
!define SCHEME_KEY "Software\Classes\${SCHEME}"
; The app's start-at-login value (src-tauri/src/autostart.rs: named after the product name in
; src-tauri/tauri.conf.json).
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RUN_VALUE "zenml-pro-desktop"
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_PAGE "https://developer.microsoft.com/microsoft-edge/webview2/"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include WinMessages.nsh

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
; An upgrade goes where the previous version is.
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${PRODUCT}"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION_NUM}"
VIFileVersion "${VERSION_NUM}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${PRODUCT} ${VERSION} setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}"

; The installer's own log ($INSTDIR\install.log): what the details list shows, also after a silent
; install, where no window shows anything.
Var Log

!macro Note text
  DetailPrint "${text}"
  ${If} $Log != ""
    FileWrite $Log "${text}$\r$\n"
  ${EndIf}
!macroend
!define Note "!insertmacro Note"

; Functions both the installer and the uninstaller use (NSIS wants the uninstaller's named un.*).
!macro SharedFunctions UN

; $R0: a PATH string, $R1: a folder. Leaves in $R0 the PATH without the entries that are that folder
; (compared without regard to case, with or without a trailing backslash). Every other entry, empty
; ones included, stays as it was, in its order.
Function ${UN}DropPathEntry
  Push $R2
  Push $R3
  Push $R4
  Push $R5
  Push $R6
  StrCpy $R2 ""   ; the result
  StrCpy $R3 ""   ; the entry being read
  StrCpy $R4 0    ; the position
  StrCpy $R6 1    ; 1 until the first entry is kept
  ${Do}
    StrCpy $R5 $R0 1 $R4
    ${If} $R5 == ";"
    ${OrIf} $R5 == ""
      ${If} $R3 == $R1
      ${OrIf} $R3 == "$R1\"
        ; dropped
      ${ElseIf} $R6 == 1
        StrCpy $R2 $R3
        StrCpy $R6 0
      ${Else}
        StrCpy $R2 "$R2;$R3"
      ${EndIf}
      StrCpy $R3 ""
      ${If} $R5 == ""
        ${ExitDo}
      ${EndIf}
    ${Else}
      StrCpy $R3 "$R3$R5"
    ${EndIf}
    IntOp $R4 $R4 + 1
  ${Loop}
  StrCpy $R0 $R2
  Pop $R6
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
FunctionEnd

; Reads the user's PATH (HKCU\Environment "Path", unexpanded) into $R0. $R9 is "ok", "none" (no
; PATH of the user's own) or "long" (longer than this installer can edit without cutting it: then it
; is left alone).
Function ${UN}ReadUserPath
  Push $R7
  Push $R8
  StrCpy $R9 "ok"
  ClearErrors
  ReadRegStr $R0 HKCU "Environment" "Path"
  ${If} ${Errors}
    ; Missing, or too long to read whole: find which.
    StrCpy $R0 ""
    StrCpy $R9 "none"
    StrCpy $R7 0
    ${Do}
      ClearErrors
      EnumRegValue $R8 HKCU "Environment" $R7
      ${If} ${Errors}
      ${OrIf} $R8 == ""
        ${ExitDo}
      ${EndIf}
      ${If} $R8 == "Path"
        StrCpy $R9 "long"
        ${ExitDo}
      ${EndIf}
      IntOp $R7 $R7 + 1
    ${Loop}
  ${Else}
    ; A value that only just fits may have been cut: leave it alone too.
    StrLen $R7 $R0
    ${If} $R7 >= ${PATH_MAX}
      StrCpy $R9 "long"
    ${EndIf}
  ${EndIf}
  Pop $R8
  Pop $R7
FunctionEnd

; Removes the folder $R1 from the user's PATH, if it is there.
Function ${UN}RemoveFromPath
  Push $R0
  Push $R8
  Push $R9
  Call ${UN}ReadUserPath
  ${If} $R9 == "long"
    ${Note} "Your PATH is too long for this program to edit safely: if $R1 is on it, remove it by hand (Settings > System > About > Advanced system settings > Environment Variables)."
  ${ElseIf} $R9 == "ok"
    StrCpy $R8 $R0
    Call ${UN}DropPathEntry
    ${If} $R0 S!= $R8
      ${If} $R0 == ""
        DeleteRegValue HKCU "Environment" "Path"
      ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" $R0
      ${EndIf}
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
      ${Note} "Removed $R1 from your PATH."
    ${EndIf}
  ${EndIf}
  Pop $R9
  Pop $R8
  Pop $R0
FunctionEnd

; Waits until neither program runs from $INSTDIR: a running .exe cannot be opened for writing. Asks
; to close it (Retry / Cancel); in a silent run, or on Cancel, stops with exit code 2.
Function ${UN}EnsureClosed
  Push $R0
  Push $R1
  ${Do}
    StrCpy $R0 ""
    ${If} ${FileExists} "$INSTDIR\${CLI}"
      ClearErrors
      FileOpen $R1 "$INSTDIR\${CLI}" a
      ${If} ${Errors}
        StrCpy $R0 "zpro"
      ${Else}
        FileClose $R1
      ${EndIf}
    ${EndIf}
    ${If} ${FileExists} "$INSTDIR\${EXE}"
      ClearErrors
      FileOpen $R1 "$INSTDIR\${EXE}" a
      ${If} ${Errors}
        StrCpy $R0 "${PRODUCT}"
      ${Else}
        FileClose $R1
      ${EndIf}
    ${EndIf}
    ${If} $R0 == ""
      ${ExitDo}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$R0 is running. Close it first (the app: Quit in its tray menu; zpro: end the command), then click Retry." /SD IDCANCEL IDRETRY retry
    ${Note} "Stopped: $R0 is running from $INSTDIR. Close it and run this again."
    SetErrorLevel 2
    Abort
    retry:
  ${Loop}
  Pop $R1
  Pop $R0
FunctionEnd

!macroend
!insertmacro SharedFunctions ""
!insertmacro SharedFunctions "un."

; Adds $INSTDIR to the end of the user's PATH unless it is already there (anywhere in it).
Function AddToPath
  Push $R0
  Push $R1
  Push $R7
  Push $R8
  Push $R9
  StrCpy $R1 $INSTDIR
  Call ReadUserPath
  ${If} $R9 == "long"
    ${Note} "Your PATH is too long for this installer to edit safely: add $INSTDIR to it by hand (Settings > System > About > Advanced system settings > Environment Variables) to use zpro in a terminal."
  ${Else}
    StrCpy $R8 $R0
    Call DropPathEntry
    ${If} $R0 S!= $R8
      ${Note} "$INSTDIR is already on your PATH."
    ${Else}
      ${If} $R8 == ""
        StrCpy $R0 $INSTDIR
      ${Else}
        StrCpy $R7 $R8 1 -1
        ${If} $R7 == ";"
          StrCpy $R0 "$R8$INSTDIR"
        ${Else}
          StrCpy $R0 "$R8;$INSTDIR"
        ${EndIf}
      ${EndIf}
      StrLen $R7 $R0
      ${If} $R7 >= ${PATH_MAX}
        ${Note} "Your PATH is too long for this installer to edit safely: add $INSTDIR to it by hand (Settings > System > About > Advanced system settings > Environment Variables) to use zpro in a terminal."
      ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" $R0
        SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
        ${Note} "Added $INSTDIR to your PATH: zpro works in terminals opened from now on."
      ${EndIf}
    ${EndIf}
  ${EndIf}
  Pop $R9
  Pop $R8
  Pop $R7
  Pop $R1
  Pop $R0
FunctionEnd

; The window needs the WebView2 runtime (Windows 11 has it; most Windows 10 computers too).
Function CheckWebView2
  Push $0
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  SetRegView lastused
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ${Note} "WebView2 runtime: not found. The ${PRODUCT} window needs it (zpro, the command line, works without it). Install the Evergreen WebView2 runtime from Microsoft's WebView2 page, ${WEBVIEW2_PAGE}, then start ${PRODUCT}."
    ${IfNot} ${Silent}
      MessageBox MB_OK|MB_ICONINFORMATION "The Microsoft Edge WebView2 runtime was not found on this computer.$\r$\n$\r$\nThe ${PRODUCT} window needs it; zpro, the command line, works without it. ${PRODUCT} is installed anyway.$\r$\n$\r$\nTo use the window, install the Evergreen WebView2 runtime from Microsoft's WebView2 page:$\r$\n${WEBVIEW2_PAGE}"
    ${EndIf}
  ${Else}
    ${Note} "WebView2 runtime: $0."
  ${EndIf}
  Pop $0
FunctionEnd

Section "ZenML Pro Desktop" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ClearErrors
  FileOpen $Log "$INSTDIR\${INSTALL_LOG}" w
  ${If} ${Errors}
    StrCpy $Log ""
  ${EndIf}
  ${Note} "Installing ${PRODUCT} ${VERSION} into $INSTDIR"
  Call EnsureClosed

  ; A previous version somewhere else: its folder leaves the PATH (its files stay where they are).
  ReadRegStr $0 HKCU "${UNINST_KEY}" "DisplayVersion"
  ReadRegStr $1 HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $0 != ""
    ${Note} "Replacing version $0."
  ${EndIf}
  ${If} $1 != ""
  ${AndIf} $1 != $INSTDIR
    Push $R1
    StrCpy $R1 $1
    Call RemoveFromPath
    Pop $R1
  ${EndIf}

  File "/oname=${EXE}" "${SRCDIR}\${EXE}"
  File "/oname=${CLI}" "${SRCDIR}\${CLI}"
!ifdef WEBVIEW2LOADER
  File "/oname=WebView2Loader.dll" "${SRCDIR}\WebView2Loader.dll"
!endif
  File "/oname=icon.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  Call AddToPath

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\icon.ico" 0
  ${Note} "Start-menu shortcut: $SMPROGRAMS\${PRODUCT}.lnk"

  ; zenml-pro-desktop://org/<id-or-name> starts the app with the link as its argument.
  WriteRegStr HKCU "${SCHEME_KEY}" "" "URL:${PRODUCT}"
  WriteRegStr HKCU "${SCHEME_KEY}" "URL Protocol" ""
  WriteRegStr HKCU "${SCHEME_KEY}\DefaultIcon" "" "$\"$INSTDIR\${EXE}$\",0"
  WriteRegStr HKCU "${SCHEME_KEY}\shell\open\command" "" "$\"$INSTDIR\${EXE}$\" $\"%1$\""
  ${Note} "Link scheme: ${SCHEME}://"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$\"$INSTDIR\${EXE}$\",0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" "$\"$INSTDIR\${UNINSTALLER}$\""
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" "$\"$INSTDIR\${UNINSTALLER}$\" /S"
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
  ${Note} "Settings > Apps entry: ${PRODUCT} ${VERSION}"

  Call CheckWebView2

  ${Note} "Done."
  ${If} $Log != ""
    FileClose $Log
    StrCpy $Log ""
  ${EndIf}
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Call un.EnsureClosed

  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLI}"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\${INSTALL_LOG}"
  Delete "$INSTDIR\${UNINSTALLER}"
  ; Only the folder itself, and only when empty: never a recursive delete of a folder the user chose.
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\${PRODUCT}.lnk"

  ; The link scheme, when it still opens this copy.
  ReadRegStr $0 HKCU "${SCHEME_KEY}\shell\open\command" ""
  ${If} $0 == "$\"$INSTDIR\${EXE}$\" $\"%1$\""
  ${OrIf} $0 == ""
    DeleteRegKey HKCU "${SCHEME_KEY}"
  ${EndIf}

  Push $R1
  StrCpy $R1 $INSTDIR
  Call un.RemoveFromPath
  Pop $R1

  ; Start at login (the app's setting writes its value in the Run key): gone with the program, when
  ; it starts this copy.
  ReadRegStr $0 HKCU "${RUN_KEY}" "${RUN_VALUE}"
  StrLen $1 "$\"$INSTDIR\${EXE}$\""
  StrCpy $2 $0 $1
  ${If} $2 == "$\"$INSTDIR\${EXE}$\""
    DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
    DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run" "${RUN_VALUE}"
    DetailPrint "Removed the start-at-login entry."
  ${EndIf}

  DeleteRegKey HKCU "${UNINST_KEY}"
  DetailPrint "Your data is kept: $APPDATA\zenml\${PRODUCT} and $LOCALAPPDATA\zenml\${PRODUCT} (delete them by hand to remove everything); sign out first to remove your keys and tokens from Windows' Credential Manager."
SectionEnd
