<#
.SYNOPSIS
    Shows TwatCache at work: a slow block cached for an hour, hit in this process and in a second one.
.NOTES
    build.ps1 Demo runs this under a temporary cache root ($env:TWATCACHE_ROOT).
#>
param([string] $ModulePath = (Join-Path $PSScriptRoot '../out/TwatCache/TwatCache.psd1'))
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Show-Timed([string] $What, [scriptblock] $Call) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $result = & $Call
    $sw.Stop()
    '{0,-44} {1,8:N0} ms   -> {2}' -f $What, $sw.Elapsed.TotalMilliseconds, ($result -join ', ')
}

Write-Host "Cache root: $env:TWATCACHE_ROOT" -ForegroundColor Cyan
$slowBlock = { Start-Sleep -Seconds 2; "computed at $(Get-Date -Format HH:mm:ss.fff) by process $([Environment]::ProcessId)" }

Show-Timed 'First call (miss: runs the 2 s block)' { Invoke-Cached $slowBlock -Ttl 1h }
Show-Timed 'Second call, same process (memory hit)' { Invoke-Cached $slowBlock -Ttl 1h }

# A second pwsh reads the same LiteDB store: the block text and inputs are the same, so it hits.
$pwsh = Join-Path $PSHOME 'pwsh'
$child = @"
Import-Module '$ModulePath'
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$r = Invoke-Cached { Start-Sleep -Seconds 2; "computed at `$(Get-Date -Format HH:mm:ss.fff) by process `$([Environment]::ProcessId)" } -Ttl 1h
'{0,-44} {1,8:N0} ms   -> {2}' -f "Third call, process `$PID (LiteDB hit)", `$sw.Elapsed.TotalMilliseconds, `$r
"@
& $pwsh -NoProfile -NonInteractive -Command $child
if ($LASTEXITCODE -ne 0) { throw "The second process failed." }

# Inputs are part of the key: another value of $n is another entry.
foreach ($n in 1, 2, 1) {
    Show-Timed "Square of $n" { Invoke-Cached { Start-Sleep -Milliseconds 500; $n * $n } -Ttl 1h }
}

Write-Host "`nGet-CacheStats:" -ForegroundColor Cyan
Get-CacheStats | Format-Table Context, Engine, Entries, SizeBytes, Hits, Misses, HitRate -AutoSize | Out-String | Write-Host
