#!/usr/bin/perl
# Run the TAP test files like `prove -j2 -f FILES...` (same harness, same console output, same
# exit status) and end with one line that says how many tests were skipped and why, e.g.
#   "12 tests skipped: socat not installed (5); no setpriv (1); ...; 2 files skipped whole: ..."
# so a check that silently stopped running shows up in `make check`'s output.
use strict;
use warnings;
use TAP::Harness;

my (%why, @why_order, $n_skipped, %file_why, @file_order);
my $harness = TAP::Harness->new({ jobs => 2, failures => 1, lib => [] });
$harness->callback(made_parser => sub {
	my ($parser) = @_;
	$parser->callback(test => sub {
		my ($r) = @_;
		return unless $r->has_skip;
		my $e = $r->explanation;
		$e = 'no reason given' unless defined $e && length $e;
		push @why_order, $e unless $why{$e}++;
		$n_skipped++;
	});
});
$harness->callback(after_test => sub {
	my ($job, $parser) = @_;
	my $f = ref $job eq 'ARRAY' ? $job->[0] : $job->filename;
	return unless $parser->skip_all;
	my $e = $parser->skip_all;
	$e = 'no reason given' if $e eq '1' || !length $e;
	push @file_order, $e unless exists $file_why{$e};
	push @{ $file_why{$e} }, $f;
});
my $agg = $harness->runtests(@ARGV);

my @parts;
if ($n_skipped) {
	push @parts, sprintf('%d test%s skipped: %s', $n_skipped, $n_skipped == 1 ? '' : 's',
		join('; ', map { $why{$_} > 1 ? "$_ ($why{$_})" : $_ } @why_order));
}
if (@file_order) {
	my $n = 0;
	$n += @{ $file_why{$_} } for @file_order;
	push @parts, sprintf('%d file%s skipped whole: %s', $n, $n == 1 ? '' : 's',
		join('; ', map { "$_ (" . join(' ', @{ $file_why{$_} }) . ')' } @file_order));
}
print @parts ? join('; ', @parts) . "\n" : "no tests skipped\n";
exit($agg->all_passed ? 0 : 1);
