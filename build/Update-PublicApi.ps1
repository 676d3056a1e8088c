<#
.SYNOPSIS
    Brings src/TwatCache.Core/PublicAPI.Unshipped.txt in line with the code after public API changes.
.DESCRIPTION
    Builds TwatCache.Core, reads the PublicApiAnalyzers diagnostics (RS0016: symbol missing from the
    file; RS0017: symbol in the file but gone from the code) and rewrites the unshipped file sorted.
    Review the diff: every added line is a new public API promise.
#>
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$project = Join-Path $root 'src/TwatCache.Core/TwatCache.Core.csproj'
$file = Join-Path $root 'src/TwatCache.Core/PublicAPI.Unshipped.txt'
for ($pass = 1; $pass -le 3; $pass++) {
    $out = dotnet build $project -c Release --no-incremental -p:TreatWarningsAsErrors=false 2>&1 | Out-String
    $add = [regex]::Matches($out, "RS0016: Symbol '(.+?)' is not part of the declared") | ForEach-Object { $_.Groups[1].Value }
    $remove = [regex]::Matches($out, "RS0017: Symbol '(.+?)' is part of the declared") | ForEach-Object { $_.Groups[1].Value }
    if (-not $add -and -not $remove) { Write-Host 'PublicAPI.Unshipped.txt is up to date.'; return }
    $lines = @(Get-Content $file | Where-Object { $_ -and $_ -notin $remove }) + $add
    $header = $lines | Where-Object { $_ -like '#*' }
    $body = $lines | Where-Object { $_ -notlike '#*' } | Sort-Object -Unique -CaseSensitive
    @($header) + @($body) | Set-Content $file
    Write-Host "pass ${pass}: +$(@($add).Count) -$(@($remove).Count)"
}
