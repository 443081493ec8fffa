int
quant_half(int v)
{
	return (v + 1) / 2;
}
