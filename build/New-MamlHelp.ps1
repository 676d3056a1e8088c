#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds the module's MAML help (and copies its about_ topics) from the markdown in docs/help.
.DESCRIPTION
    platyPS is not available offline, so this small generator does its job for TwatCache's needs.
    Each docs/help/<Cmdlet>.md holds the prose: a '# Name' title and '## SYNOPSIS', '## DESCRIPTION',
    '## PARAMETERS' ('### -Name' then text), '## EXAMPLES' ('### Example N: title', a fenced code
    block, then remarks), '## INPUTS' / '## OUTPUTS' ('### TypeName' then text), '## NOTES' and
    '## RELATED LINKS' ('- name' items). Syntax, parameter types, positions, pipeline input, aliases
    and wildcard support come from the built cmdlets themselves (Get-Command), so they cannot drift
    from the code. docs/help/about_*.help.txt files are copied as they are.

    Run it in a process of its own: it imports the module it documents.
    A missing section or a malformed file stops the build; a cmdlet or parameter without help only
    warns here (tests/pester/Help.Tests.ps1 is the gate that fails on it).
.EXAMPLE
    pwsh -NoProfile -File build/New-MamlHelp.ps1 -ModulePath out/TwatCache/TwatCache.psd1 -SourceDirectory docs/help -OutputDirectory out/TwatCache/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SourceDirectory,
    [Parameter(Mandatory)] [string] $OutputDirectory,
    # The MAML file name: PowerShell looks for '<cmdlet assembly file name>-Help.xml'.
    [string] $HelpFileName = 'TwatCache.PowerShell.dll-Help.xml'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$RequiredSections = 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES'

function Read-HelpMarkdown([string] $Path) {
    # Returns @{ Name; Sections = @{ NAME = [string[]] lines } } for one markdown file.
    $lines = Get-Content -LiteralPath $Path
    $title = $lines | Where-Object { $_ -match '^# \S' } | Select-Object -First 1
    if (-not $title) { throw "${Path}: no '# <Cmdlet-Name>' title line." }
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^## (.+?)\s*$') {
            $current = $Matches[1].ToUpperInvariant()
            $sections[$current] = [Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    if ($inFence) { throw "${Path}: a code fence is not closed." }
    foreach ($s in $RequiredSections) {
        if (-not $sections.Contains($s)) { throw "${Path}: the '## $s' section is missing." }
    }
    [pscustomobject]@{ Name = $title.Substring(2).Trim(); Sections = $sections; Path = $Path }
}

function Split-Subsections([string[]] $Lines, [string] $What) {
    # '### heading' blocks of a section, in order: @{ Title; Lines }.
    $items = [Collections.Generic.List[object]]::new()
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^### (.+?)\s*$') {
            $items.Add([pscustomobject]@{ Title = $Matches[1]; Lines = [Collections.Generic.List[string]]::new() })
            continue
        }
        if ($items.Count -gt 0) { $items[$items.Count - 1].Lines.Add($line) }
        elseif ($line.Trim()) { throw "Text before the first '###' heading in $What`: '$line'." }
    }
    return $items
}

function ConvertTo-Paragraphs([string[]] $Lines) {
    # Blank lines separate paragraphs; a '- ' line starts a paragraph of its own (a list item).
    # Markdown backticks are dropped from prose: Get-Help shows plain text.
    $paras = [Collections.Generic.List[string]]::new()
    $buffer = [Collections.Generic.List[string]]::new()
    $flush = { if ($buffer.Count) { $paras.Add(($buffer -join ' ').Replace('`', '')); $buffer.Clear() } }
    foreach ($line in $Lines) {
        if (-not $line.Trim()) { & $flush; continue }
        if ($line -match '^\s*[-*] ') { & $flush }
        $buffer.Add($line.Trim())
    }
    & $flush
    return , $paras.ToArray()
}

function Get-Example([object] $Sub, [string] $Path) {
    $code = [Collections.Generic.List[string]]::new()
    $rest = [Collections.Generic.List[string]]::new()
    $state = 'before'
    foreach ($line in $Sub.Lines) {
        if ($state -eq 'before' -and $line -match '^```') { $state = 'code'; continue }
        if ($state -eq 'code' -and $line -match '^```') { $state = 'after'; continue }
        if ($state -eq 'code') { $code.Add($line) }
        elseif ($state -eq 'after') { $rest.Add($line) }
        elseif ($line.Trim()) { throw "${Path}: example '$($Sub.Title)' has text before its code block." }
    }
    if ($state -ne 'after' -or $code.Count -eq 0) { throw "${Path}: example '$($Sub.Title)' has no code block." }
    [pscustomobject]@{ Title = $Sub.Title; Code = ($code -join "`n"); Remarks = (ConvertTo-Paragraphs $rest) }
}

function Get-FriendlyTypeName([type] $Type) {
    $t = $Type
    $u = [Nullable]::GetUnderlyingType($t)
    if ($u) { $t = $u }
    if ($t.IsArray) { return (Get-FriendlyTypeName $t.GetElementType()) + '[]' }
    # Short names for framework types (as PowerShell's own syntax lines show them), full names for TwatCache's.
    if ($t.Namespace -in 'System', 'System.Management.Automation') { return $t.Name }
    return $t.FullName
}

function Get-PipelineInput($ParameterData) {
    $kinds = @()
    if ($ParameterData.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($ParameterData.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { return 'True (' + ($kinds -join ', ') + ')' }
    return 'False'
}

$Common = [Collections.Generic.HashSet[string]]::new([string[]][Management.Automation.Cmdlet]::CommonParameters, [StringComparer]::OrdinalIgnoreCase)

function Get-DocumentedParameters($Command) {
    # Every parameter a user can pass, WhatIf and Confirm included; the common ones are described by about_CommonParameters.
    $Command.Parameters.Values | Where-Object { -not $Common.Contains($_.Name) }
}

function Write-Paragraphs([Xml.XmlWriter] $W, [string[]] $Paragraphs) {
    foreach ($p in $Paragraphs) { $W.WriteElementString('maml', 'para', $NsMaml, $p) }
}

function Write-ParameterElement([Xml.XmlWriter] $W, $Param, $SetData, [string[]] $Description, [bool] $InSyntax) {
    $isSwitch = $Param.ParameterType -eq [Management.Automation.SwitchParameter]
    $typeName = Get-FriendlyTypeName $Param.ParameterType
    $globbing = [bool]($Param.Attributes | Where-Object { $_ -is [Management.Automation.SupportsWildcardsAttribute] })
    $W.WriteStartElement('command', 'parameter', $NsCommand)
    $W.WriteAttributeString('required', $SetData.IsMandatory.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $Param.ParameterType.IsArray.ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', (Get-PipelineInput $SetData))
    $W.WriteAttributeString('position', $(if ($SetData.Position -ge 0) { [string]$SetData.Position } else { 'named' }))
    $W.WriteAttributeString('aliases', $(if ($Param.Aliases.Count) { $Param.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $NsMaml, $Param.Name)
    $W.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $W $Description; $W.WriteEndElement()
    if (-not ($InSyntax -and $isSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $NsCommand)
        $W.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($typeName)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $NsDev)
    $W.WriteElementString('maml', 'name', $NsMaml, $typeName)
    $W.WriteElementString('maml', 'uri', $NsMaml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $NsDev, $(if ($isSwitch) { 'False' } else { 'None' }))
    $W.WriteEndElement()
}

function Write-TypeList([Xml.XmlWriter] $W, [string] $Outer, [string] $Inner, $Subsections) {
    $W.WriteStartElement('command', $Outer, $NsCommand)
    foreach ($s in $Subsections) {
        $W.WriteStartElement('command', $Inner, $NsCommand)
        $W.WriteStartElement('dev', 'type', $NsDev)
        $W.WriteElementString('maml', 'name', $NsMaml, $s.Title)
        $W.WriteEndElement()
        $W.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $W (ConvertTo-Paragraphs $s.Lines); $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Write-Command([Xml.XmlWriter] $W, $Doc, $Command) {
    $s = $Doc.Sections
    $paramDocs = @{}
    foreach ($p in (Split-Subsections $s['PARAMETERS'] "$($Doc.Path) PARAMETERS")) {
        if ($p.Title -notmatch '^-(\w+)$') { throw "$($Doc.Path): parameter heading '### $($p.Title)' must be '### -Name'." }
        $paramDocs[$Matches[1]] = ConvertTo-Paragraphs $p.Lines
    }
    $examples = @(Split-Subsections $s['EXAMPLES'] "$($Doc.Path) EXAMPLES" | ForEach-Object { Get-Example $_ $Doc.Path })
    $parameters = @(Get-DocumentedParameters $Command)
    foreach ($p in $parameters) {
        if (-not $paramDocs.ContainsKey($p.Name)) { Write-Warning "$($Command.Name): parameter -$($p.Name) has no help in $($Doc.Path)." }
    }
    foreach ($n in $paramDocs.Keys) {
        if (-not $Command.Parameters.ContainsKey($n)) { Write-Warning "$($Command.Name): $($Doc.Path) documents -$n, which the cmdlet does not have." }
    }
    $describe = { param($name) if ($paramDocs.ContainsKey($name)) { $paramDocs[$name] } else { @() } }

    $W.WriteStartElement('command', 'command', $NsCommand)
    $W.WriteAttributeString('xmlns', 'maml', $null, $NsMaml)
    $W.WriteAttributeString('xmlns', 'command', $null, $NsCommand)
    $W.WriteAttributeString('xmlns', 'dev', $null, $NsDev)

    $W.WriteStartElement('command', 'details', $NsCommand)
    $W.WriteElementString('command', 'name', $NsCommand, $Command.Name)
    $W.WriteElementString('command', 'verb', $NsCommand, $Command.Verb)
    $W.WriteElementString('command', 'noun', $NsCommand, $Command.Noun)
    $W.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $W (ConvertTo-Paragraphs $s['SYNOPSIS']); $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $W (ConvertTo-Paragraphs $s['DESCRIPTION']); $W.WriteEndElement()

    $W.WriteStartElement('command', 'syntax', $NsCommand)
    foreach ($set in $Command.ParameterSets) {
        $W.WriteStartElement('command', 'syntaxItem', $NsCommand)
        $W.WriteElementString('maml', 'name', $NsMaml, $Command.Name)
        $inSet = $set.Parameters | Where-Object { -not $Common.Contains($_.Name) } |
            Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.IsMandatory } }
        foreach ($sp in $inSet) {
            $full = $Command.Parameters[$sp.Name]
            $setData = $full.ParameterSets[$set.Name]
            if (-not $setData) { $setData = $full.ParameterSets['__AllParameterSets'] }
            Write-ParameterElement $W $full $setData (& $describe $sp.Name) $true
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $NsCommand)
    foreach ($p in ($parameters | Sort-Object Name)) {
        # One entry per parameter: mandatory only when it is mandatory in every set it belongs to.
        $sets = @($p.ParameterSets.Values)
        $first = $sets[0]
        $merged = [pscustomobject]@{
            IsMandatory                     = -not ($sets | Where-Object { -not $_.IsMandatory })
            Position                        = $first.Position
            ValueFromPipeline               = [bool]($sets | Where-Object ValueFromPipeline)
            ValueFromPipelineByPropertyName = [bool]($sets | Where-Object ValueFromPipelineByPropertyName)
        }
        Write-ParameterElement $W $p $merged (& $describe $p.Name) $false
    }
    $W.WriteEndElement()

    if ($s.Contains('INPUTS')) { Write-TypeList $W 'inputTypes' 'inputType' (Split-Subsections $s['INPUTS'] "$($Doc.Path) INPUTS") }
    if ($s.Contains('OUTPUTS')) { Write-TypeList $W 'returnValues' 'returnValue' (Split-Subsections $s['OUTPUTS'] "$($Doc.Path) OUTPUTS") }
    if ($s.Contains('NOTES')) {
        $W.WriteStartElement('maml', 'alertSet', $NsMaml)
        $W.WriteStartElement('maml', 'alert', $NsMaml); Write-Paragraphs $W (ConvertTo-Paragraphs $s['NOTES']); $W.WriteEndElement()
        $W.WriteEndElement()
    }

    $W.WriteStartElement('command', 'examples', $NsCommand)
    foreach ($e in $examples) {
        $W.WriteStartElement('command', 'example', $NsCommand)
        $W.WriteElementString('maml', 'title', $NsMaml, "-------------------------- $($e.Title) --------------------------")
        $W.WriteElementString('dev', 'code', $NsDev, $e.Code)
        # The trailing empty paragraph separates this example from the next one's title.
        $W.WriteStartElement('dev', 'remarks', $NsDev); Write-Paragraphs $W (@($e.Remarks) + ''); $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $NsCommand)
    if ($s.Contains('RELATED LINKS')) {
        foreach ($line in $s['RELATED LINKS']) {
            if ($line -notmatch '^\s*[-*]\s+(.+?)\s*$') { continue }
            $W.WriteStartElement('maml', 'navigationLink', $NsMaml)
            $W.WriteElementString('maml', 'linkText', $NsMaml, $Matches[1])
            $W.WriteElementString('maml', 'uri', $NsMaml, '')
            $W.WriteEndElement()
        }
    }
    $W.WriteEndElement()

    $W.WriteEndElement() # command:command
}

$manifest = (Resolve-Path -LiteralPath $ModulePath).Path
Import-Module $manifest -Force
$moduleName = [IO.Path]::GetFileNameWithoutExtension($manifest)
$commands = @{}
foreach ($c in (Get-Command -Module $moduleName -CommandType Cmdlet)) { $commands[$c.Name] = $c }

$docs = @(Get-ChildItem -LiteralPath $SourceDirectory -Filter '*.md' | Sort-Object Name | ForEach-Object { Read-HelpMarkdown $_.FullName })
foreach ($name in $commands.Keys) {
    if (-not ($docs | Where-Object Name -eq $name)) { Write-Warning "$name has no docs/help/$name.md: it gets no help." }
}

New-Item -ItemType Directory -Path $OutputDirectory -Force | Out-Null
$target = Join-Path $OutputDirectory $HelpFileName
$settings = [Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [Text.UTF8Encoding]::new($false)
$writer = [Xml.XmlWriter]::Create($target, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    $written = 0
    foreach ($doc in $docs) {
        if (-not $commands.ContainsKey($doc.Name)) {
            Write-Warning "$($doc.Path) documents $($doc.Name), which the module does not export: skipped."
            continue
        }
        Write-Command $writer $doc $commands[$doc.Name]
        $written++
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

$abouts = @(Get-ChildItem -LiteralPath $SourceDirectory -Filter 'about_*.help.txt')
$abouts | Copy-Item -Destination $OutputDirectory
Write-Host "Help: $written cmdlet(s) in $target; $($abouts.Count) about topic(s)."
