/* "Did you mean" support: case-insensitive edit distance (optimal string alignment variant of
 * Damerau-Levenshtein: insert, delete, substitute, swap two adjacent characters). */
#include "addr/addr.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

int addr_edit_distance(const char *a, const char *b)
{
	size_t la, lb, i, j;
	int *prev2, *prev, *cur, *mem, d;

	if (!a)
		a = "";
	if (!b)
		b = "";
	la = strlen(a);
	lb = strlen(b);
	if (la > INT_MAX / 2 || lb > INT_MAX / 2)
		return INT_MAX;
	if (la == 0)
		return (int)lb;
	if (lb == 0)
		return (int)la;
	mem = malloc(3 * (lb + 1) * sizeof *mem);
	if (!mem)
		return INT_MAX;
	prev2 = mem;
	prev = mem + (lb + 1);
	cur = mem + 2 * (lb + 1);
	for (j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (i = 1; i <= la; i++) {
		int ca = tolower((unsigned char)a[i - 1]);
		cur[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			int cost = ca != cb;
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		{
			int *t = prev2;
			prev2 = prev;
			prev = cur;
			cur = t;
		}
	}
	d = prev[lb];
	free(mem);
	return d;
}
